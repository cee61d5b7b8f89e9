using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

[AllowAnonymous]
public sealed class LoginModel(
    PasswordSignIn passwordSignIn,
    DashboardSessions sessions,
    SecurityPolicy policy,
    SignInManager<User> signIn,
    PasskeyCredentials passkeys,
    IOptions<AccountOptions> options) : PageModel
{
    [BindProperty] public string CredentialJson { get; set; } = "";
    [BindProperty] public string Identifier { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public bool RememberMe { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public List<string> Errors { get; } = [];
    public string? Notice { get; private set; }

    public void OnGet(string? done)
    {
        Notice = done switch
        {
            "signed-out" => "You are signed out.",
            "password-reset" => "Your password was changed. Sign in with the new one.",
            "invitation-accepted" => "Your account is ready. Sign in with your new password.",
            _ => null,
        };
    }

    /// <summary>Request options for navigator.credentials.get() with any passkey of this site (discoverable credentials).</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() =>
        Content(await signIn.MakePasskeyRequestOptionsAsync(user: null), "application/json");

    /// <summary>
    /// Signs in with a passkey. It proves possession and the device's user verification, so it stands for
    /// both factors; disabled and locked accounts are refused as with passwords.
    /// </summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(CredentialJson))
        {
            Errors.Add("The browser sent no passkey. Signing in with one needs JavaScript; or use your password.");
            return Page();
        }
        var assertion = await signIn.PerformPasskeyAssertionAsync(CredentialJson);
        var user = assertion.Succeeded ? assertion.User : null;
        if (user is null || !user.Enabled || await signIn.UserManager.IsLockedOutAsync(user))
        {
            Errors.Add(user is { Enabled: false } ? "This account is disabled. Ask an administrator to enable it again." : "That passkey did not sign you in. Try again, or use your password.");
            return Page();
        }
        await passkeys.SignedInAsync(user, assertion.Passkey!, cancellationToken);
        await sessions.SignInAsync(user, remember: false);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Identifier) || string.IsNullOrEmpty(Password))
        {
            Errors.Add("Enter your email or username and your password.");
            return Page();
        }

        var outcome = await passwordSignIn.CheckAsync(Identifier, Password, cancellationToken);
        switch (outcome.Status)
        {
            case SignInStatus.Succeeded when outcome.User!.TwoFactorEnabled && !outcome.SkipsSecondFactor:
                await sessions.BeginTwoFactorAsync(HttpContext, outcome.User, RememberMe);
                return RedirectToPage("/Accounts/LoginTwoFactor", new { ReturnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null });
            case SignInStatus.Succeeded when !outcome.User!.TwoFactorEnabled && !outcome.SkipsSecondFactor && await policy.RequiresTwoFactorAsync(outcome.User, cancellationToken):
                await sessions.SignInAsync(outcome.User, RememberMe, mustEnrolTwoFactor: true);
                return Redirect("/account/two-factor");
            case SignInStatus.Succeeded:
                await sessions.SignInAsync(outcome.User!, RememberMe);
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case SignInStatus.LockedOut:
                Errors.Add($"Too many failed attempts: this account is locked for {options.Value.LockoutDuration.TotalMinutes:0} minutes. " +
                    "Try again later, or choose a new password with “Forgot password?”.");
                break;
            case SignInStatus.Disabled:
                Errors.Add("This account is disabled. Ask an administrator to enable it again.");
                break;
            default:
                Errors.Add("The email, username or password is not right.");
                break;
        }
        return Page();
    }
}
