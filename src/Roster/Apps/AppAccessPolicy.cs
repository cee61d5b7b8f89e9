using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;
using Roster.Users;

namespace Roster.Apps;

/// <summary>
/// The one answer to "may this user use this app?", for the launcher, the API, OpenID Connect and LDAP
/// alike. Disabled accounts may use nothing; admins may use everything; everyone else follows the app's
/// access rule.
/// </summary>
public sealed class AppAccessPolicy(RosterDb db)
{
    public IQueryable<App> UsableBy(User user) =>
        !user.Enabled || user.InvitationPending ? db.Apps.Where(_ => false) : UsableBy(user.Id, user.Role);

    public Task<bool> MayUseAsync(User user, Guid appId, CancellationToken cancellationToken = default) =>
        UsableBy(user).AnyAsync(app => app.Id == appId, cancellationToken);

    /// <summary>The same answer for a person known by id and an app by OpenID Connect client id, in one query, as each token refresh asks it.</summary>
    public Task<bool> MayUseAsync(Guid userId, string clientId, CancellationToken cancellationToken = default) =>
        MayUseByClientId.GetValue(db.Model, _ => CompileMayUseByClientId())(db, userId, clientId, cancellationToken);

    // Compiled: a refresh is the token endpoint's hot path, and translating this query each time cost more than running
    // it (bench/oidc-grants). A compiled query binds to one model, so there is one per model (SQLite and PostgreSQL
    // share a process in the tests), and it cannot call OpenToMembers, so it spells the same rule out.
    private static readonly ConditionalWeakTable<IModel, Func<RosterDb, Guid, string, CancellationToken, Task<bool>>> MayUseByClientId = [];

    private static Func<RosterDb, Guid, string, CancellationToken, Task<bool>> CompileMayUseByClientId() =>
        EF.CompileAsyncQuery((RosterDb db, Guid userId, string clientId, CancellationToken _) =>
            db.Users.Any(u => u.Id == userId && u.Enabled && !u.InvitationPending &&
                db.Apps.Any(app => app.ClientId == clientId && (u.Role >= Role.Admin || app.Access == AppAccess.Everyone ||
                    db.AppGroups.Any(allowed => allowed.AppId == app.Id &&
                        db.GroupMembers.Any(member => member.GroupId == allowed.GroupId && member.UserId == userId))))));

    /// <summary>The same rule asked the other way round, as LDAP lists an app's people: everyone who may use the app.</summary>
    public IQueryable<User> UsersOf(Guid appId) =>
        db.Users.Where(u => u.Enabled && !u.InvitationPending &&
            db.Apps.Any(app => app.Id == appId && (u.Role >= Role.Admin || app.Access == AppAccess.Everyone ||
                db.AppGroups.Any(allowed => allowed.AppId == app.Id &&
                    db.GroupMembers.Any(member => member.GroupId == allowed.GroupId && member.UserId == u.Id)))));

    /// <summary>The rule for an enabled account: admins (<see cref="Permissions.IsAdmin"/>) use everything, everyone else follows each app's access rule.</summary>
    private IQueryable<App> UsableBy(Guid userId, Role role) => Permissions.IsAdmin(role) ? db.Apps : OpenToMembers(userId);

    private IQueryable<App> OpenToMembers(Guid userId) =>
        db.Apps.Where(app => app.Access == AppAccess.Everyone ||
            db.AppGroups.Any(allowed => allowed.AppId == app.Id &&
                db.GroupMembers.Any(member => member.GroupId == allowed.GroupId && member.UserId == userId)));

    /// <summary>Admins configure every app; an app operator configures only theirs.</summary>
    public async Task<bool> MayConfigureAsync(Actor actor, Guid appId, CancellationToken cancellationToken = default) =>
        Permissions.IsAdmin(actor.Role) ||
        actor.User is { } user && await db.AppOperators.AnyAsync(o => o.AppId == appId && o.UserId == user.Id, cancellationToken);

    /// <summary>The apps an actor may configure.</summary>
    public IQueryable<App> ConfigurableBy(Actor actor) =>
        Permissions.IsAdmin(actor.Role) ? db.Apps
        : actor.User is { } user ? db.Apps.Where(app => db.AppOperators.Any(o => o.AppId == app.Id && o.UserId == user.Id))
        : db.Apps.Where(_ => false);
}
