using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

[AllowAnonymous]
public sealed class ResetPasswordModel(PasswordReset reset) : PageModel
{
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";

    public bool LinkUsable { get; private set; } = true;
    public List<Error> Errors { get; } = [];

    public async Task OnGetAsync(string token, CancellationToken cancellationToken)
    {
        if (!await reset.IsUsableAsync(token, cancellationToken))
            ShowUnusableLink();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (!await reset.IsUsableAsync(token, cancellationToken))
        {
            ShowUnusableLink();
            return Page();
        }
        if (Password != Confirm)
        {
            Errors.Add(UserRules.PasswordMismatch);
            return Page();
        }
        var result = await reset.ResetAsync(token, Password, cancellationToken);
        if (result.Succeeded)
            return RedirectToPage("/Accounts/Login", new { done = "password-reset" });
        if (result.Errors.Contains(PasswordReset.LinkUnusable))
            ShowUnusableLink();
        else
            Errors.AddRange(result.Errors);
        return Page();
    }

    private void ShowUnusableLink()
    {
        LinkUsable = false;
        Errors.Clear();
        Errors.Add(PasswordReset.LinkUnusable);
    }
}
