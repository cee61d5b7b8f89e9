using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.Apps;

/// <summary>A role as the app page and the API show it, with who holds it.</summary>
public sealed record RoleView(Guid Id, string Name, string Description, IReadOnlyList<RoleHolderView> Holders);

/// <summary>One holder of a role: a group (by name) or a person (by username or email).</summary>
public sealed record RoleHolderView(Guid Id, string Kind, string Name);

/// <summary>
/// Per-app roles (PRODUCT.md section 12): the role names an app defines and the groups and people that hold each. A
/// person's roles in an app are theirs directly and through every group they are in; the app reads them from the
/// <c>roles</c> claim. Admins and the app's operators change them.
/// </summary>
public sealed partial class AppRoles(RosterDb db, AppAccessPolicy access, AccountLookup people, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 200;
    public const int MaxRolesPerApp = 50;

    private static readonly Error RoleNotFound = Error.NotFound("role.not_found", "There is no such role in this app.");

    /// <summary>The app's roles by name, each with its holders.</summary>
    public async Task<Result<IReadOnlyList<RoleView>>> ListAsync(Actor actor, Guid appId, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        var roles = await db.AppRoles.AsNoTracking().Where(r => r.AppId == appId).OrderBy(r => r.Name).ToListAsync(cancellationToken);
        var roleIds = roles.Select(r => r.Id).ToList();
        var byGroup = await db.AppRoleHolders.Where(h => roleIds.Contains(h.RoleId) && h.GroupId != null)
            .Join(db.Groups, h => h.GroupId, g => g.Id, (h, g) => new { h.Id, h.RoleId, Kind = "group", g.Name }).ToListAsync(cancellationToken);
        var byPerson = await db.AppRoleHolders.Where(h => roleIds.Contains(h.RoleId) && h.UserId != null)
            .Join(db.Users, h => h.UserId, u => u.Id, (h, u) => new { h.Id, h.RoleId, Kind = "person", Name = u.UserName ?? u.Email ?? "" }).ToListAsync(cancellationToken);
        var holders = byGroup.Concat(byPerson).ToLookup(h => h.RoleId);
        return Result<IReadOnlyList<RoleView>>.Ok(roles.Select(r => new RoleView(r.Id, r.Name, r.Description,
            holders[r.Id].OrderBy(h => h.Kind).ThenBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Select(h => new RoleHolderView(h.Id, h.Kind, h.Name)).ToList())).ToList());
    }

    public async Task<Result<AppRole>> DefineAsync(Actor actor, Guid appId, string? name, string? description, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        var cleanName = UserRules.Clean(name);
        var cleanDescription = UserRules.Clean(description);
        var errors = new List<Error>();
        if (!IsName(cleanName))
            errors.Add(new("role.name", $"A role name has 1 to {MaxNameLength} letters, digits and . _ : - and starts with a letter or digit, such as admin or editor.", "RoleName"));
        if (cleanDescription.Length > MaxDescriptionLength)
            errors.Add(new("role.description", $"A role's description can have at most {MaxDescriptionLength} characters.", "RoleDescription"));
        if (errors.Count > 0)
            return Result<AppRole>.Fail(errors);
        var existing = await db.AppRoles.Where(r => r.AppId == appId).Select(r => r.Name).ToListAsync(cancellationToken);
        if (existing.Contains(cleanName, StringComparer.OrdinalIgnoreCase))
            return new Error("role.taken", $"This app already has a role called {cleanName}.", "RoleName");
        if (existing.Count >= MaxRolesPerApp)
            return new Error("role.too_many", $"An app can define at most {MaxRolesPerApp} roles.", "RoleName");
        var role = new AppRole { Id = Guid.CreateVersion7(), AppId = appId, Name = cleanName, Description = cleanDescription, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.AppRoles.Add(role);
        audit.Record(AuditActions.AppRoleDefined, actor, details: $"{await AppNameAsync(appId, cancellationToken)}: {cleanName}");
        return await SaveAsync(role, cancellationToken);
    }

    /// <summary>
    /// Deletes the role; everyone holding it loses it at their next sign-in to the app. Every surface asks first, and says
    /// so with <paramref name="confirmed"/>.
    /// </summary>
    public async Task<Result<AppRole>> DeleteAsync(Actor actor, Guid appId, Guid roleId, bool confirmed, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        if (!confirmed)
            return new Error("role.confirm", "Confirm that the role goes, and that everyone holding it loses it.", "ConfirmRoleDeletion");
        if (await db.AppRoles.SingleOrDefaultAsync(r => r.Id == roleId && r.AppId == appId, cancellationToken) is not { } role)
            return RoleNotFound;
        db.AppRoles.Remove(role);
        audit.Record(AuditActions.AppRoleDeleted, actor, details: $"{await AppNameAsync(appId, cancellationToken)}: {role.Name}");
        return await SaveAsync(role, cancellationToken);
    }

    /// <summary>Gives the role to a group (by name or id) or a person (by username, email or id): exactly one of the two.</summary>
    public async Task<Result<AppRole>> GiveAsync(Actor actor, Guid appId, Guid roleId, string? group, string? person, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        if (await db.AppRoles.SingleOrDefaultAsync(r => r.Id == roleId && r.AppId == appId, cancellationToken) is not { } role)
            return RoleNotFound;
        var groupName = UserRules.Clean(group);
        var personName = UserRules.Clean(person);
        if ((groupName.Length > 0) == (personName.Length > 0))
            return new Error("role.holder", "Give the role to a group or to a person: name exactly one.", "Holder");
        var holder = new AppRoleHolder { Id = Guid.CreateVersion7(), RoleId = roleId };
        string holderName;
        if (groupName.Length > 0)
        {
            var groupId = Guid.TryParse(groupName, out var parsed) ? parsed : (Guid?)null;
            var found = await db.Groups.Where(g => g.Name == groupName || g.Id == groupId).Select(g => new { g.Id, g.Name }).FirstOrDefaultAsync(cancellationToken);
            if (found is null)
                return new Error("role.group_unknown", $"There is no group called {groupName}.", "Holder");
            (holder.GroupId, holderName) = (found.Id, $"group {found.Name}");
            if (await db.AppRoleHolders.AnyAsync(h => h.RoleId == roleId && h.GroupId == found.Id, cancellationToken))
                return new Error("role.held", $"The group {found.Name} already has this role.", "Holder");
        }
        else
        {
            if ((await people.FindByNamesAsync([personName], cancellationToken)).Values.SingleOrDefault() is not { } user)
                return new Error("role.person_unknown", $"No account matches {personName}.", "Holder");
            (holder.UserId, holderName) = (user.Id, user.UserName ?? user.Email ?? user.Id.ToString());
            if (await db.AppRoleHolders.AnyAsync(h => h.RoleId == roleId && h.UserId == user.Id, cancellationToken))
                return new Error("role.held", $"{holderName} already has this role.", "Holder");
        }
        db.AppRoleHolders.Add(holder);
        audit.Record(AuditActions.AppRoleGiven, actor, details: $"{await AppNameAsync(appId, cancellationToken)}: {role.Name} to {holderName}");
        return await SaveAsync(role, cancellationToken);
    }

    public async Task<Result<AppRole>> TakeAsync(Actor actor, Guid appId, Guid roleId, Guid holderId, CancellationToken cancellationToken = default)
    {
        if (await RefusalAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        if (await db.AppRoles.SingleOrDefaultAsync(r => r.Id == roleId && r.AppId == appId, cancellationToken) is not { } role)
            return RoleNotFound;
        if (await db.AppRoleHolders.SingleOrDefaultAsync(h => h.Id == holderId && h.RoleId == roleId, cancellationToken) is not { } holder)
            return Error.NotFound("role.holder_not_found", "No one holds this role that way.");
        db.AppRoleHolders.Remove(holder);
        audit.Record(AuditActions.AppRoleTaken, actor, details: $"{await AppNameAsync(appId, cancellationToken)}: {role.Name} from {(holder.GroupId is null ? "a person" : "a group")}");
        return await SaveAsync(role, cancellationToken);
    }

    /// <summary>The names of the roles <paramref name="userId"/> holds in each app, directly or through a group: what the app sees.</summary>
    public static IQueryable<AppRole> HeldBy(RosterDb db, Guid userId) =>
        db.AppRoles.Where(r => db.AppRoleHolders.Any(h => h.RoleId == r.Id &&
            (h.UserId == userId || db.GroupMembers.Any(m => m.UserId == userId && m.GroupId == h.GroupId))));

    private async Task<Error?> RefusalAsync(Actor actor, Guid appId, CancellationToken cancellationToken)
    {
        if (!await db.Apps.AnyAsync(a => a.Id == appId, cancellationToken))
            return AppErrors.NotFound;
        return await access.MayConfigureAsync(actor, appId, cancellationToken) ? null : UserErrors.Forbidden;
    }

    private Task<string> AppNameAsync(Guid appId, CancellationToken cancellationToken) =>
        db.Apps.Where(a => a.Id == appId).Select(a => a.Name).SingleAsync(cancellationToken);

    private async Task<Result<AppRole>> SaveAsync(AppRole role, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Result<AppRole>.Ok(role);
        }
        catch (DbUpdateException)
        {
            // Two people gave the same role at once, or defined one name twice: the unique index kept one.
            return Error.Conflict("role.conflict", "Someone else changed this role at the same moment. Reload and try again.");
        }
    }

    /// <summary>Whether <paramref name="name"/> is a role name an app can be given: what apps match on, nothing to escape.</summary>
    public static bool IsName(string name) => RoleName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")]
    private static partial Regex RoleName();
}
