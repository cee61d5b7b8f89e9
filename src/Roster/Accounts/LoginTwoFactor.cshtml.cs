using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;
using Roster.Users;

namespace Roster.Accounts;

/// <summary>The second step of signing in: a code from the authenticator app, or a recovery code.</summary>
[AllowAnonymous]
public sealed class LoginTwoFactorModel(
    DashboardSessions sessions,
    PasswordSignIn passwordSignIn,
    TwoFactor twoFactor,
    AccountLockout lockout,
    AuditLog audit,
    RosterDb db,
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
        // The same lockout as passwords: guessing codes costs the account its sign-ins for a while.
        if (lockout.IsLockedOut(user))
            return Refuse(LockedOut);
        var factor = await twoFactor.VerifyAsync(user, Code, cancellationToken);
        if (factor == SecondFactor.Invalid)
        {
            audit.Record(AuditActions.SecondFactorFailed, Actor.Anonymous, user);
            var locked = await passwordSignIn.RecordFailureAsync(user, CredentialKind.SecondFactor, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return Refuse(locked ? LockedOut : "That code is not right. Enter the 6 digits your authenticator app shows now, or a recovery code.");
        }
        await lockout.ResetAsync(user, CredentialKind.SecondFactor, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (factor == SecondFactor.RecoveryCode)
        {
            audit.Record(AuditActions.RecoveryCodeUsed, Actor.For(user), user);
            await db.SaveChangesAsync(cancellationToken);
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
