using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;
using Roster.Groups;

namespace Roster.Apps;

/// <summary>
/// The one answer to "may this user use this app?", for the launcher, the API, OpenID Connect and LDAP
/// alike. Disabled accounts may use nothing; admins may use everything; everyone else follows the app's
/// access rule.
/// </summary>
public sealed class AppAccessPolicy(Lazy<RosterDb> database) : IGroupAccessRules
{
    private RosterDb db => database.Value;

    public IQueryable<App> UsableBy(User user) =>
        !user.Enabled || user.InvitationPending ? db.Apps.Where(_ => false) : UsableBy(user.Id, user.Role);

    public Task<bool> MayUseAsync(User user, Guid appId, CancellationToken cancellationToken = default) =>
        UsableBy(user).AnyAsync(app => app.Id == appId, cancellationToken);

    /// <summary>The same answer for a person known by id and an app by OpenID Connect client id, in one query.</summary>
    public Task<bool> MayUseAsync(Guid userId, string clientId, CancellationToken cancellationToken = default) =>
        db.Users.AnyAsync(u => u.Id == userId && u.Enabled && !u.InvitationPending &&
            db.Apps.Any(app => app.ClientId == clientId && (u.Role >= Role.Admin || app.Access == AppAccess.Everyone ||
                db.AppGroups.Any(allowed => allowed.AppId == app.Id &&
                    db.GroupMembers.Any(member => member.GroupId == allowed.GroupId && member.UserId == userId)))), cancellationToken);

    /// <summary>
    /// The rule as an SQL condition on a person's id and an app's id, for the token refresh, which checks it in
    /// the same statement that rotates the refresh token (bench/oidc-grants). It says what the LINQ forms above
    /// say, in the column names of both providers; AppAccessPolicyTests holds the two to the same answers.
    /// </summary>
    public static string MayUseSql(string userId, string appId) => $"""
        EXISTS (SELECT 1 FROM "Users" AS u WHERE u."Id" = {userId} AND u."Enabled" AND NOT u."InvitationPending" AND (
            u."Role" >= {(int)Role.Admin} AND EXISTS (SELECT 1 FROM "Apps" AS a WHERE a."Id" = {appId}) OR
            EXISTS (SELECT 1 FROM "Apps" AS a WHERE a."Id" = {appId} AND a."Access" = {(int)AppAccess.Everyone}) OR
            EXISTS (SELECT 1 FROM "AppGroups" AS allowed JOIN "GroupMembers" AS member ON member."GroupId" = allowed."GroupId"
                WHERE allowed."AppId" = {appId} AND member."UserId" = u."Id")))
        """;

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

    public async Task<IReadOnlyList<string>> AppNamesAsync(Guid groupId, CancellationToken cancellationToken) =>
        await db.AppGroups.Where(a => a.GroupId == groupId).Join(db.Apps, a => a.AppId, a => a.Id, (_, app) => app.Name).ToListAsync(cancellationToken);
}
