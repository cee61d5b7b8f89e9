using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

/// <summary>
/// /confirm-email/&lt;token&gt;: the person confirms a new address, signed in as themselves. Opening the link
/// changes nothing (mail scanners open links); the button does.
/// </summary>
public sealed class ConfirmEmailModel(Credentials credentials, UserManager<User> users) : PageModel
{
    public bool LinkUsable { get; private set; } = true;
    public string? Email { get; private set; }
    public List<Error> Errors { get; } = [];

    public async Task OnGetAsync(string token, CancellationToken cancellationToken)
    {
        LinkUsable = await credentials.IsConfirmationUsableAsync(token, cancellationToken);
        Email = (await users.GetUserAsync(User))?.Email;
        if (!LinkUsable)
            Errors.Add(new("link.unusable", "This link has expired or was already used."));
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var me = await users.GetUserAsync(User) ?? throw new InvalidOperationException("signed in without an account");
        var result = await credentials.ConfirmEmailAsync(me, token, cancellationToken);
        if (result.Succeeded)
            return Redirect("/account?done=email-confirmed");
        Email = me.Email;
        LinkUsable = false;
        Errors.AddRange(result.Errors);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
