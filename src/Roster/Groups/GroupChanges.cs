using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.Groups;

/// <summary>Creating, renaming and deleting groups and changing who is in them: user managers and above.</summary>
public sealed class GroupChanges(RosterDb db, AccountLookup users, SecurityPolicy policy, IGroupAccessRules accessRules, IGroupMailUses mailUses, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 64;
    private static readonly Error Forbidden = UserErrors.Forbidden;
    private static readonly Error NotFound = GroupErrors.NotFound;

    public async Task<Result<Group>> CreateAsync(Actor actor, string? name, string? description, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return Forbidden;
        var group = new Group { Id = Guid.CreateVersion7(), CreatedAt = Now() };
        var errors = await ApplyAsync(group, name, description, cancellationToken);
        if (errors.Count > 0)
            return Result<Group>.Fail(errors);
        db.Groups.Add(group);
        audit.Record(AuditActions.GroupCreated, actor, details: group.Name);
        return await SaveAsync(group, cancellationToken);
    }

    public async Task<Result<Group>> UpdateAsync(Actor actor, Guid id, string? name, string? description, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return Forbidden;
        var group = await db.Groups.FindAsync([id], cancellationToken);
        if (group is null)
            return NotFound;
        if (await MembersLockedAsync(actor, group, cancellationToken) is { } locked)
            return locked;
        var before = group.Name;
        var errors = await ApplyAsync(group, name, description, cancellationToken);
        if (errors.Count > 0)
            return Result<Group>.Fail(errors);
        audit.Record(AuditActions.GroupUpdated, actor, details: before == group.Name ? group.Name : $"{before} → {group.Name}");
        return await SaveAsync(group, cancellationToken);
    }

    /// <summary>
    /// Refused while an app's access rule names the group: deleting it would silently change who may use that app. The
    /// dashboard passes the name the person typed to confirm (<paramref name="typedName"/>); the API and CLI pass none.
    /// </summary>
    public async Task<Result<Group>> DeleteAsync(Actor actor, Guid id, string? typedName = null, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return Forbidden;
        var group = await db.Groups.FindAsync([id], cancellationToken);
        if (group is null)
            return NotFound;
        if (await MembersLockedAsync(actor, group, cancellationToken) is { } locked)
            return locked;
        if (typedName is not null && typedName.Trim() != group.Name)
            return new Error("confirm.mismatch", $"Type the group's name \"{group.Name}\" exactly to confirm.", "ConfirmName");
        var apps = await accessRules.AppNamesAsync(id, cancellationToken);
        if (apps.Count > 0)
            return new Error("group.in_use", $"The group {group.Name} decides who may use {string.Join(", ", apps)}. Remove it from those apps' access first.");
        var addresses = await mailUses.AddressesAsync(id, cancellationToken);
        if (addresses.Count > 0)
            return new Error("group.in_use", $"Mail to {string.Join(", ", addresses)} goes to the group {group.Name}. Hand its mailboxes over and take it off those lists first.");
        db.Groups.Remove(group);
        audit.Record(AuditActions.GroupDeleted, actor, details: group.Name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<Group>.Ok(group);
    }

    /// <summary>Adds people named by id, username or email. Unknown names refuse the whole change.</summary>
    public async Task<Result<Group>> AddMembersAsync(Actor actor, Guid id, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return Forbidden;
        var group = await db.Groups.FindAsync([id], cancellationToken);
        if (group is null)
            return NotFound;
        if (await MembersLockedAsync(actor, group, cancellationToken) is { } locked)
            return locked;
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted.Count == 0)
            return new Error("members.none", "Name at least one person to add (username or email).", "Members");
        var found = await users.FindByNamesAsync(wanted, cancellationToken);
        var unknown = wanted.Where(n => !found.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            return new Error("members.unknown", $"No account matches {string.Join(", ", unknown)}. Nobody was added.", "Members");
        if (OutOfReach(actor, found.Values) is { } outOfReach)
            return outOfReach;
        var already = await db.GroupMembers.Where(m => m.GroupId == id).Select(m => m.UserId).ToListAsync(cancellationToken);
        var added = found.Values.DistinctBy(u => u.Id).Where(u => !already.Contains(u.Id)).ToList();
        foreach (var user in added)
        {
            db.GroupMembers.Add(new GroupMember { GroupId = id, UserId = user.Id, AddedAt = Now() });
            audit.Record(AuditActions.GroupMemberAdded, actor, user, group.Name);
        }
        return await SaveAsync(group, cancellationToken);
    }

    public async Task<Result<Group>> RemoveMembersAsync(Actor actor, Guid id, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageUsers(actor.Role))
            return Forbidden;
        var group = await db.Groups.FindAsync([id], cancellationToken);
        if (group is null)
            return NotFound;
        if (await MembersLockedAsync(actor, group, cancellationToken) is { } locked)
            return locked;
        var members = await db.GroupMembers.Where(m => m.GroupId == id && userIds.Contains(m.UserId)).ToListAsync(cancellationToken);
        var people = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancellationToken);
        if (OutOfReach(actor, people.Values) is { } outOfReach)
            return outOfReach;
        foreach (var member in members)
        {
            db.GroupMembers.Remove(member);
            audit.Record(AuditActions.GroupMemberRemoved, actor, people.GetValueOrDefault(member.UserId), group.Name);
        }
        return await SaveAsync(group, cancellationToken);
    }

    /// <summary>
    /// A group the two-factor policy names decides who must use a second factor: only an admin may change
    /// it, or a user manager could take themselves (or anyone) out of the policy.
    /// </summary>
    private async Task<Error?> MembersLockedAsync(Actor actor, Group group, CancellationToken cancellationToken)
    {
        var named = (await policy.TwoFactorAsync(cancellationToken)).RequiredForGroups.Contains(group.Id);
        return Permissions.MayChangeMembers(actor, named) ? null : Error.Forbidden("forbidden",
            $"The two-factor policy names {group.Name}, so only an administrator can change it or who is in it.");
    }

    /// <summary>Nobody changes the memberships of people they may not edit (a user manager and an admin's groups).</summary>
    private static Error? OutOfReach(Actor actor, IEnumerable<User> people)
    {
        var names = people.Where(u => !Permissions.MayChange(actor, u, UserField.Groups)).Select(u => u.Name).ToList();
        return names.Count == 0 ? null : Error.Forbidden("forbidden",
            $"You may not change the groups of {string.Join(", ", names)}: that needs someone of a higher role. Nothing was changed.");
    }

    private async Task<List<Error>> ApplyAsync(Group group, string? name, string? description, CancellationToken cancellationToken)
    {
        var clean = UserRules.Clean(name);
        var errors = new List<Error>();
        if (clean.Length is 0 or > MaxNameLength || !clean.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            errors.Add(new("group.name_invalid", $"A group name has 1 to {MaxNameLength} letters, digits, dots (.) and hyphens (-).", "Name"));
        else if (await db.Groups.AnyAsync(g => g.NormalizedName == clean.ToUpperInvariant() && g.Id != group.Id, cancellationToken))
            errors.Add(new("group.name_taken", $"There is already a group called {clean} (names ignore case).", "Name"));
        var text = UserRules.Clean(description);
        if (text.Length > 1000)
            errors.Add(new("group.description_too_long", "A description can have at most 1000 characters.", "Description"));
        if (errors.Count == 0)
        {
            group.Name = clean;
            group.NormalizedName = clean.ToUpperInvariant();
            group.Description = text;
            group.UpdatedAt = Now();
        }
        return errors;
    }

    private async Task<Result<Group>> SaveAsync(Group group, CancellationToken cancellationToken)
    {
        group.UpdatedAt = Now();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Error.Conflict("conflict", "Someone else made a clashing change at the same moment (the name was taken, or the group deleted). Reload and try again.");
        }
        return Result<Group>.Ok(group);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
