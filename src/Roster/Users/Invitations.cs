using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;

namespace Roster.Users;

public sealed record InvitationAnswer(string? Username, string Password, string Confirm);

/// <summary>Invitation links: sent, resent, revoked and accepted. Acceptance needs no session, only the link.</summary>
public sealed class Invitations(
    RosterDb db,
    UserManager<User> users,
    UserRules rules,
    AccountTokens tokens,
    Mailer mailer,
    Links links,
    AuditLog audit,
    RecipientMailLimit recipients,
    IOptions<Roster.Accounts.UserOptions> options)
{
    public static string PathFor(string token) => "/accept-invitation/" + token;

    /// <summary>Adds a fresh link and its email to the unit of work; the caller saves.</summary>
    internal void Send(Actor actor, User user)
    {
        var lifetime = options.Value.InvitationLifetime;
        var token = tokens.Issue(user, AccountTokenPurpose.Invitation, lifetime);
        mailer.Enqueue(user.Email!, MailTemplates.Invitation(user.Name, actor.User?.Name ?? "The platform's operator", links.Absolute(PathFor(token)), lifetime));
    }

    public async Task<Result<User>> ResendAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var user = await PendingAsync(actor, id, cancellationToken);
        if (!user.Succeeded)
            return user;
        if (!await recipients.TryCountAsync(user.Value!.Email!, cancellationToken))
            return recipients.Refusal(user.Value.Email!);
        await tokens.RevokeAllAsync(user.Value!.Id, AccountTokenPurpose.Invitation, cancellationToken);
        Send(actor, user.Value);
        audit.Record(AuditActions.InvitationResent, actor, user.Value);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>Withdraws the invitation; the account, never used, goes with it.</summary>
    public async Task<Result<User>> RevokeAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var user = await PendingAsync(actor, id, cancellationToken);
        if (!user.Succeeded)
            return user;
        db.Users.Remove(user.Value!);
        audit.Record(AuditActions.InvitationRevoked, actor, user.Value);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>The invited account behind a usable link, or null.</summary>
    public async Task<User?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        var found = await tokens.FindUsableAsync(token, AccountTokenPurpose.Invitation, cancellationToken);
        return found is null ? null : await db.Users.FindAsync([found.UserId], cancellationToken);
    }

    public async Task<Result<User>> AcceptAsync(string token, InvitationAnswer answer, CancellationToken cancellationToken = default)
    {
        var found = await tokens.FindUsableAsync(token, AccountTokenPurpose.Invitation, cancellationToken);
        var user = found is null ? null : await db.Users.FindAsync([found.UserId], cancellationToken);
        if (found is null || user is null)
            return new Error("invitation.unusable", "This invitation has expired, was already used or was withdrawn. Ask for a new one.");

        var errors = new List<Error>();
        var username = user.UserName ?? answer.Username?.Trim();
        if (user.UserName is null)
            errors.AddRange(await rules.CheckUsernameAsync(username));
        errors.AddRange(await rules.CheckPasswordAsync(new User { UserName = username, Email = user.Email }, answer.Password, answer.Confirm));
        if (errors.Count > 0)
            return Result<User>.Fail(errors);

        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        if (!await tokens.TryConsumeAsync(found, cancellationToken))
            return new Error("invitation.unusable", "This invitation was already used.");
        user.UserName = username;
        user.InvitationPending = false;
        user.EmailConfirmed = true;
        var result = await users.ReplacePasswordAsync(user, answer.Password);
        if (!result.Succeeded)
            return Result<User>.Fail(UserErrors.From(result));
        audit.Record(AuditActions.InvitationAccepted, Actor.For(user), user);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    private async Task<Result<User>> PendingAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayManageUsers(actor.Role) || !Permissions.MayEdit(actor, user))
            return UserErrors.Forbidden;
        if (!user.InvitationPending)
            return new Error("invitation.none", $"{user.Name} has no pending invitation.");
        return Result<User>.Ok(user);
    }
}
