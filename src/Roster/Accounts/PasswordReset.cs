using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;
using Roster.Outbox;

namespace Roster.Accounts;

/// <summary>"Forgot password" and the reset link it sends.</summary>
public sealed class PasswordReset(
    RosterDb db,
    UserManager<User> users,
    UserRules rules,
    AccountTokens tokens,
    Mailer mailer,
    Links links,
    AuditLog audit,
    IAppSessions appSessions,
    Credentials credentials,
    AccountLockout lockout,
    RecipientMailLimit recipients,
    OutboxQueue outbox,
    IOptions<AccountOptions> options) : IOutboxChannel
{
    public static string PathFor(string token) => "/reset-password/" + token;

    public static readonly Error LinkUnusable = new("reset.link_unusable", "This link has expired or was already used. Ask for a new one.");

    private const string RequestSubject = "Password reset request";

    /// <summary>What someone typed into "Forgot password", and from where, kept until the outbox sender handles it.</summary>
    private sealed record Request(string Identifier, string? ClientAddress);

    /// <summary>
    /// Records that someone asked for a reset link, and nothing more: one outbox row, the same for every name.
    /// Looking for the account here would make the answer slower for names that exist, and the caller answers the
    /// same whatever happens, so nobody learns whether an account exists. <see cref="HandleRequestAsync"/> does the rest.
    /// </summary>
    public async Task RequestAsync(string emailOrUsername, string? clientAddress, CancellationToken cancellationToken = default)
    {
        // In the body, which the sender empties once the request is handled: what was typed is not kept.
        outbox.Add(db, OutboxChannel.PasswordResetRequest, to: "", RequestSubject, JsonSerializer.Serialize(new Request(emailOrUsername, clientAddress)));
        await db.SaveChangesAsync(cancellationToken);
    }

    OutboxChannel IOutboxChannel.Channel => OutboxChannel.PasswordResetRequest;

    async Task<Error?> IOutboxChannel.DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        await HandleRequestAsync(message, cancellationToken);
        return null;
    }

    /// <summary>
    /// The outbox sender's half of a request: emails a reset link when the name belongs to an enabled account with
    /// an address that has not had too many links this hour. It only adds to the unit of work, after the last
    /// step that can fail; the sender saves it together with the request marked handled.
    /// </summary>
    private async Task HandleRequestAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        var request = JsonSerializer.Deserialize<Request>(message.TextBody)!;
        var user = await PasswordSignIn.FindByEmailOrUsernameAsync(users, request.Identifier, cancellationToken);
        // An address someone else set, and its person never confirmed, is no way into the account.
        if (user is null || !user.Enabled || string.IsNullOrEmpty(user.Email) || user.EmailSetByOther)
            return;
        if (!await recipients.TryCountAsync(user.Email, cancellationToken))
            return;
        var lifetime = options.Value.ResetLinkLifetime;
        var token = tokens.Issue(user, AccountTokenPurpose.PasswordReset, lifetime);
        mailer.Enqueue(user.Email, MailTemplates.PasswordReset(user.Name, links.Absolute(PathFor(token)), lifetime));
        audit.Record(AuditActions.PasswordResetRequested, Actor.Anonymous, user, clientAddress: request.ClientAddress);
    }

    /// <summary>
    /// An administrator's reset link for someone else: emailed to them, or returned to be handed over
    /// another way (shown once; only its hash is kept).
    /// </summary>
    public async Task<Result<string>> IssueForAsync(Actor actor, Guid userId, bool email, CancellationToken cancellationToken = default)
    {
        var user = await db.Users.FindAsync([userId], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayAdminister(actor, user))
            return UserErrors.Forbidden;
        if (!user.Enabled)
            return new Error("user.disabled", $"{user.Name} is disabled; enable the account before sending a reset link.");
        if (email && !await recipients.TryCountAsync(user.Email!, cancellationToken))
            return recipients.Refusal(user.Email!);
        var lifetime = options.Value.ResetLinkLifetime;
        var link = links.Absolute(PathFor(tokens.Issue(user, AccountTokenPurpose.PasswordReset, lifetime)));
        if (email)
            mailer.Enqueue(user.Email!, MailTemplates.AdminResetLink(user.Name, link, lifetime));
        audit.Record(email ? AuditActions.ResetLinkSent : AuditActions.ResetLinkCreated, actor, user);
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(link);
    }

    public async Task<bool> IsUsableAsync(string token, CancellationToken cancellationToken = default) =>
        await tokens.FindUsableAsync(token, AccountTokenPurpose.PasswordReset, cancellationToken) is not null;

    /// <summary>Sets the new password and spends the link, both or neither.</summary>
    public async Task<Result<User>> ResetAsync(string token, string newPassword, CancellationToken cancellationToken = default)
    {
        var found = await tokens.FindUsableAsync(token, AccountTokenPurpose.PasswordReset, cancellationToken);
        var user = found is null ? null : await users.FindByIdAsync(found.UserId.ToString());
        if (found is null || user is null || !user.Enabled)
            return LinkUnusable;

        var problems = await rules.ValidatePasswordAsync(user, newPassword);
        if (problems.Count > 0)
            return Result<User>.Fail(problems);

        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        if (!await tokens.TryConsumeAsync(found, cancellationToken))
            return LinkUnusable;
        // A reset also accepts a pending invitation: the person has shown they read that mailbox.
        user.InvitationPending = false;
        var result = await users.ReplacePasswordAsync(user, newPassword);
        if (!result.Succeeded)
            return Result<User>.Fail(UserErrors.From(result));
        audit.Record(AuditActions.PasswordReset, Actor.For(user), user);
        // The new password's security stamp ends every session; the apps signed in through them are told.
        await appSessions.EndAllAsync(user.Id, cancellationToken);
        await credentials.RevokeResetLinksAsync(user, cancellationToken);
        // A reset is how an account is taken back: app passwords made by whoever held it must not outlive it.
        foreach (var appPassword in await db.AppPasswords.Where(p => p.UserId == user.Id).ToListAsync(cancellationToken))
        {
            db.AppPasswords.Remove(appPassword);
            audit.Record(AuditActions.AppPasswordRevoked, Actor.For(user), user, appPassword.Name + "; password reset");
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // After the commit: the lockout's counts live outside this transaction, and SQLite has one writer.
        await lockout.UnlockAsync(user, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

}
