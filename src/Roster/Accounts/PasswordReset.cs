using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;
using Roster.Hosting;
using Roster.Mail;

namespace Roster.Accounts;

public sealed record PasswordResetResult(bool Succeeded, bool LinkUnusable, IReadOnlyList<string> Errors)
{
    public static readonly PasswordResetResult Success = new(true, false, []);
    public static readonly PasswordResetResult UnusableLink = new(false, true, ["This link has expired or was already used. Ask for a new one."]);
    public static PasswordResetResult Invalid(IEnumerable<string> errors) => new(false, false, errors.ToList());
}

/// <summary>"Forgot password" and the reset link it sends.</summary>
public sealed class PasswordReset(
    RosterDb db,
    UserManager<User> users,
    AccountTokens tokens,
    Mailer mailer,
    Links links,
    AuditLog audit,
    IOptions<AccountOptions> options)
{
    public static string PathFor(string token) => "/reset-password/" + token;

    /// <summary>
    /// Emails a reset link when the name belongs to an enabled account. The caller answers the same
    /// whatever happens here, so nobody learns whether an account exists.
    /// </summary>
    public async Task RequestAsync(string emailOrUsername, CancellationToken cancellationToken = default)
    {
        var user = await PasswordSignIn.FindByEmailOrUsernameAsync(users, emailOrUsername, cancellationToken);
        if (user is null || !user.Enabled || string.IsNullOrEmpty(user.Email))
            return;
        var lifetime = options.Value.ResetLinkLifetime;
        var token = tokens.Issue(user, AccountTokenPurpose.PasswordReset, lifetime);
        mailer.Enqueue(user.Email, MailTemplates.PasswordReset(user.Name, links.Absolute(PathFor(token)), lifetime));
        audit.Record(AuditActions.PasswordResetRequested, null, user);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> IsUsableAsync(string token, CancellationToken cancellationToken = default) =>
        await tokens.FindUsableAsync(token, AccountTokenPurpose.PasswordReset, cancellationToken) is not null;

    /// <summary>Sets the new password and spends the link, both or neither.</summary>
    public async Task<PasswordResetResult> ResetAsync(string token, string newPassword, CancellationToken cancellationToken = default)
    {
        var found = await tokens.FindUsableAsync(token, AccountTokenPurpose.PasswordReset, cancellationToken);
        var user = found is null ? null : await users.FindByIdAsync(found.UserId.ToString());
        if (found is null || user is null || !user.Enabled)
            return PasswordResetResult.UnusableLink;

        var problems = await PasswordProblemsAsync(user, newPassword);
        if (problems.Count > 0)
            return PasswordResetResult.Invalid(problems);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await tokens.TryConsumeAsync(found, cancellationToken))
            return PasswordResetResult.UnusableLink;
        var identityToken = await users.GeneratePasswordResetTokenAsync(user);
        // Resetting also renews the security stamp, which ends the account's other sessions.
        var result = await users.ResetPasswordAsync(user, identityToken, newPassword);
        if (!result.Succeeded)
            return PasswordResetResult.Invalid(result.Errors.Select(e => e.Description));
        audit.Record(AuditActions.PasswordReset, user, user);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await transaction.CommitAsync(cancellationToken);
        return PasswordResetResult.Success;
    }

    private async Task<List<string>> PasswordProblemsAsync(User user, string password)
    {
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }
        return problems;
    }
}
