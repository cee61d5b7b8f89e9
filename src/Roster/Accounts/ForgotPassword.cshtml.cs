using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Roster.Mail;

namespace Roster.Accounts;

[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordReset reset, IOptions<AccountOptions> options) : PageModel
{
    [BindProperty] public string Identifier { get; set; } = "";

    public bool Sent { get; private set; }
    public List<string> Errors { get; } = [];
    public string Lifetime => MailTemplates.Describe(options.Value.ResetLinkLifetime);

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Identifier))
        {
            Errors.Add("Enter the email or username of your account.");
            return Page();
        }
        await reset.RequestAsync(Identifier, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        // The sender is not woken: it finds the request at its next look (within 2 s), so the account is looked
        // for well after this answer has reached the person, and its work cannot overlap the answer's last bytes.
        Sent = true;
        return Page();
    }
}
