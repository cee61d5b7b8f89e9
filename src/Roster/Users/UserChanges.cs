using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;
using Roster.MailDirectory;

namespace Roster.Users;

/// <summary>Only the fields given change; all of them or none.</summary>
public sealed record UserPatch(string? Name = null, string? Email = null, bool? EmailVisible = null, string? Username = null, Role? Role = null, bool? Enabled = null);

public sealed record ProfileChange(string Name, string Email, bool EmailVisible, string? Username = null, AvatarUpload? NewAvatar = null, bool RemoveAvatar = false);

/// <summary>
/// Changes to an existing account, each checked against who is acting. The last-owner guardrail lives
/// here, so no surface can delete, disable or demote the last owner.
/// </summary>
public sealed class UserChanges(RosterDb db, UserManager<User> users, Credentials credentials, AccountLockout lockout, AuditLog audit, IAppSessions appSessions, Mailboxes mail, TimeProvider clock)
{
    public async Task<Result<User>> UpdateProfileAsync(Actor actor, Guid id, ProfileChange change, CancellationToken cancellationToken = default)
    {
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!actor.IsSelf(user) && !Permissions.MayEdit(actor, user))
            return UserErrors.Forbidden;

        var name = UserRules.Clean(change.Name);
        var email = UserRules.Clean(change.Email);
        var username = string.IsNullOrWhiteSpace(change.Username) ? user.UserName : change.Username.Trim();
        var changed = new List<string>();
        if (user.Name != name) changed.Add("name");
        if (user.EmailVisible != change.EmailVisible) changed.Add("email visibility");
        if (change.NewAvatar is not null || change.RemoveAvatar) changed.Add("avatar");
        var errors = changed.Count > 0 && !Permissions.MayChange(actor, user, UserField.Name) ? [UserErrors.Forbidden] : UserRules.CheckName(name);
        var emailChanged = user.Email != email;
        var usernameChanged = username != user.UserName;
        // Identifiers go through the one credentials path, with its own checks and notices; the email last,
        // as the only one with effects beyond this unit of work (earlier confirmation links revoked).
        errors.AddRange(await credentials.ChangeUsernameAsync(actor, user, username));
        if (errors.Count == 0)
            errors.AddRange(await credentials.ChangeEmailAsync(actor, user, email, cancellationToken));
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return Result<User>.Fail(errors);
        }
        if (emailChanged) changed.Add("email");
        if (usernameChanged) changed.Add("username");

        user.Name = name;
        user.EmailVisible = change.EmailVisible;
        await SetAvatarAsync(user, change, cancellationToken);
        return await SaveAsync(actor, user, AuditActions.UserUpdated, changed.Count == 0 ? "nothing changed" : "changed " + string.Join(", ", changed), cancellationToken);
    }

    /// <summary>The API's PATCH and the CLI's <c>user update</c>: several fields at once, in one transaction, each through its own rule.</summary>
    public async Task<Result<User>> PatchAsync(Actor actor, Guid id, UserPatch patch, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        var result = Result<User>.Ok(user);
        if (patch.Name is not null || patch.Email is not null || patch.EmailVisible is not null || patch.Username is not null)
            result = await UpdateProfileAsync(actor, id, new ProfileChange(
                patch.Name ?? user.Name, patch.Email ?? user.Email ?? "", patch.EmailVisible ?? user.EmailVisible, patch.Username), cancellationToken);
        if (result.Succeeded && patch.Role is { } role)
            result = await SetRoleAsync(actor, id, role, cancellationToken);
        if (result.Succeeded && patch.Enabled is { } enabled)
            result = await SetEnabledAsync(actor, id, enabled, cancellationToken);
        if (result.Succeeded)
            await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<Result<User>> SetRoleAsync(Actor actor, Guid id, Role role, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginOwnerChangeAsync(cancellationToken);
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayChangeRoles(actor) || !Permissions.MayEdit(actor, user) || !Permissions.AssignableRoles(actor).Contains(role))
            return UserErrors.Forbidden;
        if (user.Role == role)
            return Result<User>.Ok(user);
        if (role != Role.Owner && await LastOwnerGuardAsync(user, cancellationToken) is { } lastOwner)
            return lastOwner;
        var before = user.Role;
        user.Role = role;
        var saved = await SaveAsync(actor, user, AuditActions.RoleChanged, $"{before.Label()} → {role.Label()}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    public async Task<Result<User>> SetEnabledAsync(Actor actor, Guid id, bool enabled, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginOwnerChangeAsync(cancellationToken);
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayEdit(actor, user))
            return UserErrors.Forbidden;
        if (user.Enabled == enabled)
            return Result<User>.Ok(user);
        if (!enabled && actor.IsSelf(user))
            return new Error("user.self", "You cannot disable your own account.");
        if (!enabled && await LastOwnerGuardAsync(user, cancellationToken) is { } lastOwner)
            return lastOwner;
        user.Enabled = enabled;
        if (!enabled)
        {
            // A new stamp invalidates every cookie issued for the account: its sessions end at their next
            // request, and the apps signed in through them are told now.
            await users.UpdateSecurityStampAsync(user);
            await appSessions.EndAllAsync(user.Id, cancellationToken);
        }
        var saved = await SaveAsync(actor, user, enabled ? AuditActions.UserEnabled : AuditActions.UserDisabled, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>Ends a lockout early, for someone who has shown who they are another way.</summary>
    public async Task<Result<User>> UnlockAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayManageUsers(actor.Role) || !Permissions.MayEdit(actor, user))
            return UserErrors.Forbidden;
        await lockout.UnlockAsync(user, cancellationToken);
        audit.Record(AuditActions.AccountUnlocked, actor, user);
        await db.SaveChangesAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    /// <summary>Deletes the account. From the dashboard <paramref name="typedName"/> must repeat the person's name.</summary>
    /// <param name="mailboxes">What becomes of the person's mailboxes; refused when they have some and this is not said.</param>
    public async Task<Result<User>> DeleteAsync(Actor actor, Guid id, string? typedName = null, MailboxFate? mailboxes = null, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginOwnerChangeAsync(cancellationToken);
        var user = await db.Users.FindAsync([id], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!Permissions.MayManageUsers(actor.Role) || !Permissions.MayEdit(actor, user))
            return UserErrors.Forbidden;
        if (actor.IsSelf(user))
            return new Error("user.self", "You cannot delete your own account.");
        if (typedName is not null && typedName.Trim() != user.Name)
            return new Error("confirm.mismatch", $"Type the name \"{user.Name}\" exactly to confirm.", "ConfirmName");
        if (await LastOwnerGuardAsync(user, cancellationToken) is { } lastOwner)
            return lastOwner;
        if (await mail.DisposeOfAsync(actor, user, mailboxes, cancellationToken) is { } mailError)
            return mailError;
        await appSessions.EndAllAsync(user.Id, cancellationToken);
        db.Users.Remove(user);
        audit.Record(AuditActions.UserDeleted, actor, user, $"{user.Name} <{user.Email}>");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    private async Task SetAvatarAsync(User user, ProfileChange change, CancellationToken cancellationToken)
    {
        var existing = await db.Avatars.FindAsync([user.Id], cancellationToken);
        if (change.RemoveAvatar && existing is not null)
            db.Avatars.Remove(existing);
        if (change.NewAvatar is not { } upload)
            return;
        if (existing is null)
            db.Avatars.Add(existing = new Avatar { UserId = user.Id });
        existing.ContentType = upload.ContentType;
        existing.Data = upload.Data;
        existing.UpdatedAt = clock.GetUtcNow().UtcDateTime;
    }

    private async Task<Result<User>> SaveAsync(Actor actor, User user, string action, string? details, CancellationToken cancellationToken)
    {
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(action, actor, user, details);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A unique index caught what the checks above could not see: a concurrent change.
            return Error.Conflict("conflict", "Someone else changed this account or took this email or username at the same moment. Reload and try again.");
        }
        return Result<User>.Ok(user);
    }

    private async Task<Error?> LastOwnerGuardAsync(User user, CancellationToken cancellationToken)
    {
        if (user.Role != Role.Owner || !user.Enabled)
            return null;
        var others = await db.Users.CountAsync(u => u.Role == Role.Owner && u.Enabled && u.Id != user.Id, cancellationToken);
        return others > 0 ? null : new Error("user.last_owner",
            $"{user.Name} is the last owner. Make someone else an owner first; there must always be one.");
    }

    /// <summary>
    /// Changes that can remove an owner run in a transaction; on PostgreSQL they also take one advisory
    /// lock, so two owners demoting each other at once cannot leave none. SQLite serialises writers anyway.
    /// </summary>
    private async Task<JoinedTransaction> BeginOwnerChangeAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginOrJoinTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7405001)", cancellationToken);
        return transaction;
    }
}
