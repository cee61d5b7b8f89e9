using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;

namespace Roster.Users;


public sealed record NewUser(
    string Email, string Username, string Name, Role Role, bool Enabled, string Password, string Confirm,
    bool EmailVisible = true, bool SendWelcome = false, AvatarUpload? Avatar = null);

/// <summary>An invitation, or with <see cref="Notify"/> off, an account added without telling anyone (the person later uses "Forgot password?").</summary>
public sealed record NewInvitation(string Email, string Name, Role Role, string? Username = null, bool Notify = true);

/// <summary>Adding people: create (password set now) and invite.</summary>
public sealed class NewUsers(
    RosterDb db,
    UserManager<User> users,
    UserRules rules,
    Invitations invitations,
    RecipientMailLimit recipients,
    Mailer mailer,
    Links links,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<Result<User>> CreateAsync(Actor actor, NewUser request, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return UserErrors.Forbidden;
        var username = UserRules.Clean(request.Username);
        var user = NewAccount(request.Email, username, request.Name, request.Role);
        user.Enabled = request.Enabled;
        user.EmailVisible = request.EmailVisible;
        var errors = await CheckAsync(actor, request.Email, username, request.Name, request.Role);
        errors.AddRange(await rules.CheckPasswordAsync(user, request.Password, request.Confirm));
        if (errors.Count > 0)
            return Result<User>.Fail(errors);

        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
            return Result<User>.Fail(UserErrors.From(created));
        if (request.Avatar is { } avatar)
            db.Avatars.Add(new Avatar { UserId = user.Id, ContentType = avatar.ContentType, Data = avatar.Data, UpdatedAt = user.UpdatedAt });
        if (request.SendWelcome)
            mailer.Enqueue(user.Email!, MailTemplates.Welcome(user.Name, user.UserName!, links.Absolute("/login")));
        audit.Record(AuditActions.UserCreated, actor, user, $"role {user.Role.Label()}{(user.Enabled ? "" : ", disabled")}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    public async Task<Result<User>> InviteAsync(Actor actor, NewInvitation request, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return UserErrors.Forbidden;
        var username = string.IsNullOrWhiteSpace(request.Username) ? null : request.Username.Trim();
        var errors = await CheckAsync(actor, request.Email, username, request.Name, request.Role);
        if (errors.Count > 0)
            return Result<User>.Fail(errors);

        var user = NewAccount(request.Email, username, request.Name, request.Role);
        // Counted before the transaction: the count lives outside it (and SQLite has one writer).
        if (request.Notify && !await recipients.TryCountAsync(user.Email!, cancellationToken))
            return recipients.Refusal(user.Email!);
        user.InvitationPending = request.Notify;
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user, Passwords.Unusable());
        if (!created.Succeeded)
            return Result<User>.Fail(UserErrors.From(created));
        if (request.Notify)
            invitations.Send(actor, user);
        audit.Record(AuditActions.UserInvited, actor, user, request.Notify ? "invitation emailed" : "added without notifying");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    private async Task<List<Error>> CheckAsync(Actor actor, string email, string? username, string name, Role role)
    {
        var errors = new List<Error>();
        if (!Permissions.AssignableRoles(actor).Contains(role))
            errors.Add(new("role.forbidden", $"You may not give the role {role.Label()}.", "Role"));
        errors.AddRange(await rules.CheckEmailAsync(UserRules.Clean(email)));
        if (username is not null)
            errors.AddRange(await rules.CheckUsernameAsync(username));
        errors.AddRange(UserRules.CheckName(UserRules.Clean(name)));
        return errors;
    }

    private User NewAccount(string email, string? username, string name, Role role)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new User
        {
            Id = Guid.CreateVersion7(),
            Email = UserRules.Clean(email),
            UserName = username?.Trim(),
            Name = UserRules.Clean(name),
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
