using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;

namespace Roster.Accounts;

/// <summary>
/// The one path for a person's identifiers and password once the account exists: username, email and
/// password change here, whichever surface asks, each with its own permission check
/// (<see cref="Permissions.MayChange"/>) and its own consequences: a notice to the old address and a
/// confirmation link to the new one, outstanding reset links revoked, other sessions ended.
/// </summary>
public sealed class Credentials(
    RosterDb db,
    UserManager<User> users,
    UserRules rules,
    PasswordSignIn passwordSignIn,
    AccountTokens tokens,
    Mailer mailer,
    Links links,
    AuditLog audit,
    IAppSessions appSessions,
    IOptions<AccountOptions> options,
    TimeProvider clock)
{
    public const string ConfirmEmailPath = "/confirm-email/";

    /// <summary>
    /// Checks and applies a new username to the tracked <paramref name="user"/>; the caller saves. Nothing
    /// changes when <paramref name="username"/> is empty or the current one.
    /// </summary>
    public async Task<List<Error>> ChangeUsernameAsync(Actor actor, User user, string? username)
    {
        if (string.IsNullOrEmpty(username) || username == user.UserName)
            return [];
        if (!Permissions.MayChange(actor, user, UserField.Username))
            return [new("username.forbidden", user.UserName is null
                ? "You may not choose a username for this account."
                : "Only an administrator can change a username once it is set.", "Username")];
        var errors = await rules.CheckUsernameAsync(username, user.Id);
        if (errors.Count > 0)
            return errors;
        var before = user.UserName;
        user.UserName = username;
        audit.Record(AuditActions.UsernameChanged, actor, user, before is null ? $"chose {username}" : $"{before} → {username}");
        return [];
    }

    /// <summary>
    /// Checks and applies a new email address to the tracked <paramref name="user"/>; the caller saves. The
    /// address counts as unverified until the person confirms it, signed in as themselves: the old address is
    /// told, the new one gets the confirmation link. An address someone else set gets no reset link until then,
    /// so changing it cannot hand anyone the account.
    /// </summary>
    public async Task<List<Error>> ChangeEmailAsync(Actor actor, User user, string email, CancellationToken cancellationToken = default)
    {
        if (email == user.Email)
            return [];
        if (!Permissions.MayChange(actor, user, UserField.Email))
            return [new("email.forbidden", "You may not change this account's email address.", "Email")];
        var errors = await rules.CheckEmailAsync(email, user.Id);
        if (errors.Count > 0)
            return errors;
        var before = user.Email;
        user.Email = email;
        user.EmailConfirmed = false;
        user.EmailSetByOther = !actor.IsSelf(user);
        // A link sent to the old address would confirm the new one; the next reset link goes where the account now points.
        await tokens.RevokeAllAsync(user.Id, AccountTokenPurpose.EmailConfirmation, cancellationToken);
        var lifetime = options.Value.EmailConfirmationLifetime;
        var token = tokens.Issue(user, AccountTokenPurpose.EmailConfirmation, lifetime);
        var by = actor.IsSelf(user) ? null : actor.Name;
        if (!string.IsNullOrEmpty(before))
            mailer.Enqueue(before, MailTemplates.EmailChanged(user.Name, email, by, links.Absolute("/account")));
        mailer.Enqueue(email, MailTemplates.ConfirmEmail(user.Name, links.Absolute(ConfirmEmailPath + token), lifetime, by));
        audit.Record(AuditActions.EmailChanged, actor, user, $"{before} → {email}");
        return [];
    }

    public async Task<bool> IsConfirmationUsableAsync(string token, CancellationToken cancellationToken = default) =>
        await tokens.FindUsableAsync(token, AccountTokenPurpose.EmailConfirmation, cancellationToken) is not null;

    /// <summary>Confirms the address a link was sent to; only the account's own signed-in person can.</summary>
    public async Task<Result<User>> ConfirmEmailAsync(User me, string token, CancellationToken cancellationToken = default)
    {
        var found = await tokens.FindUsableAsync(token, AccountTokenPurpose.EmailConfirmation, cancellationToken);
        if (found is null)
            return new Error("link.unusable", "This link has expired or was already used.");
        // The same answer for another person's link: it tells nothing about whose it is.
        if (found.UserId != me.Id)
            return new Error("link.other_account", "This link is not for the account you are signed in with. Sign out, then open it again and sign in as the person it was sent to.");
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        if (!await tokens.TryConsumeAsync(found, cancellationToken))
            return new Error("link.unusable", "This link has expired or was already used.");
        me.EmailConfirmed = true;
        me.EmailSetByOther = false;
        me.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.EmailConfirmed, Actor.For(me), me, me.Email);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(me);
    }

    /// <summary>
    /// The signed-in person changes their own password, proving the current one first (counted toward the
    /// lockout like any other password). Ends every other session and the apps signed in through them, and
    /// revokes outstanding reset links.
    /// </summary>
    public async Task<Result<User>> ChangePasswordAsync(User me, string? current, string? password, string? confirm, string? keepSessionId, CancellationToken cancellationToken = default)
    {
        var errors = await rules.CheckPasswordAsync(me, password, confirm);
        var check = await passwordSignIn.CheckCurrentPasswordAsync(me, current, cancellationToken);
        if (check == SignInStatus.LockedOut)
            errors.Insert(0, new Error("password.locked", $"Too many wrong passwords: this account is locked for {options.Value.LockoutDuration.TotalMinutes:0} minutes.", "CurrentPassword"));
        else if (check != SignInStatus.Succeeded)
            errors.Insert(0, new Error("password.current", "The current password is not right.", "CurrentPassword"));
        if (errors.Count > 0)
            return Result<User>.Fail(errors);

        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        var result = await users.ChangePasswordAsync(me, current!, password!);
        if (!result.Succeeded)
            return Result<User>.Fail(UserErrors.From(result));
        await RevokeResetLinksAsync(me, cancellationToken);
        mailer.Enqueue(me.Email!, MailTemplates.PasswordChanged(me.Name, links.Absolute("/forgot-password")));
        audit.Record(AuditActions.PasswordChanged, Actor.For(me), me);
        // The other sessions end with the new security stamp, and so do the apps signed in through them.
        await appSessions.EndAllAsync(me.Id, cancellationToken, exceptSessionId: keepSessionId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(me);
    }

    /// <summary>A new password makes every reset link still in a mailbox useless: a link must never undo the change.</summary>
    public Task RevokeResetLinksAsync(User user, CancellationToken cancellationToken) =>
        tokens.RevokeAllAsync(user.Id, AccountTokenPurpose.PasswordReset, cancellationToken);
}
