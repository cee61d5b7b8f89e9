using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

/// <summary>The second step of signing in: a code from the authenticator app, or a recovery code.</summary>
[AllowAnonymous]
public sealed class LoginTwoFactorModel(
    DashboardSessions sessions,
    TwoFactor twoFactor,
    IOptions<AccountOptions> options) : PageModel
{
    [BindProperty] public string Code { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() =>
        await sessions.PendingTwoFactorAsync(HttpContext) is null ? RedirectToPage("/Accounts/Login") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await sessions.PendingTwoFactorAsync(HttpContext) is not var (user, remember))
            return RedirectToPage("/Accounts/Login");
        switch (await twoFactor.SignInAsync(user, Code, cancellationToken))
        {
            case SecondFactor.LockedOut:
                return Refuse(LockedOut);
            case SecondFactor.Invalid:
                return Refuse("That code is not right. Enter the 6 digits your authenticator app shows now, or a recovery code.");
        }
        await sessions.CompleteTwoFactorAsync(HttpContext, user, remember);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    private string LockedOut => $"Too many failed attempts: this account is locked for {options.Value.LockoutDuration.TotalMinutes:0} minutes.";

    private PageResult Refuse(string error)
    {
        Errors.Add(error);
        Code = "";
        return Page();
    }
}
