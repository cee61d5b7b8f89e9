using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;

namespace Roster.Provisioning;

/// <summary>
/// Brings one app's provider in step with what Roster says now, for one person, one group, or everything. Every job
/// reads the current state when it runs, so running one twice, late, or after a newer one changes nothing wrong.
/// The people pushed are exactly those <see cref="AppAccessPolicy"/> lets use the app; the groups, those its rule names,
/// with the members who may use it. The ids the provider gives are kept in <see cref="ScimResource"/> rows, added to
/// this scope's context and saved with the job.
/// </summary>
public sealed partial class ScimReconciler(RosterDb db, AppAccessPolicy access)
{
    private ScimClient client = null!;
    private ScimConnection connection = null!;
    private Dictionary<(ScimResourceKind, Guid), ScimResource> records = [];

    /// <summary>Rows removed in this job, kept so that one found again is revived instead of added twice (a lookup in the change tracker would cost a scan of every row per push).</summary>
    private readonly Dictionary<(ScimResourceKind, Guid), ScimResource> forgotten = [];

    public async Task StartAsync(ScimConnection target, ScimClient scim, CancellationToken cancellationToken)
    {
        connection = target;
        client = scim;
        records = await db.ScimResources.Where(r => r.AppId == target.AppId).ToDictionaryAsync(r => (r.Kind, r.LocalId), cancellationToken);
    }

    public async Task ReconcileUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var record = Record(ScimResourceKind.User, userId);
        var wanted = await WantedUsers(db.Users.Where(u => u.Id == userId), active: false).SingleOrDefaultAsync(cancellationToken);
        if (wanted is null)
        {
            if (record is not null)
                await DeprovisionDeletedAsync(record, cancellationToken);
            return;
        }
        var allowed = await access.UsersOf(connection.AppId).AnyAsync(u => u.Id == userId, cancellationToken);
        // Someone never pushed who may not use the app has nothing there to deactivate.
        if (allowed || record is not null)
            await EnsureUserAsync(wanted with { Active = allowed }, cancellationToken);
    }

    public async Task ReconcileGroupAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var record = Record(ScimResourceKind.Group, groupId);
        var group = await NamedGroups(groupId).SingleOrDefaultAsync(cancellationToken);
        if (group is null)
        {
            if (record is not null)
                await DeleteRemoteAsync(record, ScimShapes.Groups, cancellationToken);
            return;
        }
        await EnsureGroupAsync(group.Id, group.Name, null, cancellationToken);
    }

    /// <summary>The people who may use the app, as the provider should hold them.</summary>
    private IQueryable<WantedUser> WantedUsers(IQueryable<User> users, bool active) =>
        users.Select(u => new WantedUser(u.Id, u.UserName ?? u.Email ?? "", u.Name, u.Email, active));

    private sealed record NamedGroup(Guid Id, string Name);

    /// <summary>The groups the app's access rule names (none when it is open to everyone).</summary>
    private IQueryable<NamedGroup> NamedGroups(Guid? only = null) =>
        db.Groups.Where(g => (only == null || g.Id == only) && db.AppGroups.Any(a => a.AppId == connection.AppId && a.GroupId == g.Id) &&
                db.Apps.Any(app => app.Id == connection.AppId && app.Access == AppAccess.Groups))
            .Select(g => new NamedGroup(g.Id, g.Name));

    /// <summary>Creates or replaces the person there; returns the provider's id.</summary>
    private async Task<string> EnsureUserAsync(WantedUser wanted, CancellationToken cancellationToken, RemoteResource? known = null)
    {
        var body = ScimShapes.User(wanted);
        if (Record(ScimResourceKind.User, wanted.Id) is { } record)
        {
            if (known is not null && !ScimShapes.Differs(known, wanted))
                return record.RemoteId;
            var replaced = await client.PutAsync(ScimClient.ResourcePath(ScimShapes.Users, record.RemoteId), body, cancellationToken);
            if (replaced.Succeeded)
                return record.RemoteId;
            if (replaced.Status == HttpStatusCode.Conflict)
                throw new ScimRefusedException($"The SCIM service refused to rename {wanted.UserName}: the name is taken there by another account.");
            // 404: deleted there behind Roster's back; a person who may use the app is created again.
            Forget(record);
            if (!wanted.Active)
                return "";
        }
        var created = await client.PostAsync(ScimShapes.Users, body, cancellationToken);
        if (created.Succeeded)
            return Remember(ScimResourceKind.User, wanted.Id, created.Body).RemoteId;
        if (created.Status == HttpStatusCode.NotFound)
            throw new ScimRefusedException($"The SCIM service has no Users endpoint at {connection.BaseUrl}: check the base URL.");
        // 409 (RFC 7644 section 3.3): the account exists there, from an earlier push whose answer was lost or made by hand.
        var adopted = await FindAsync(ScimShapes.Users, "externalId", wanted.Id.ToString(), cancellationToken)
            ?? await FindAsync(ScimShapes.Users, "userName", wanted.UserName, cancellationToken);
        if (adopted is null || adopted.ExternalId is { Length: > 0 } other && other != wanted.Id.ToString())
            throw new ScimRefusedException($"The SCIM service already has an account named {wanted.UserName} that Roster does not manage; rename one of them.");
        Remember(ScimResourceKind.User, wanted.Id, adopted.Id);
        return await EnsureUserAsync(wanted, cancellationToken, adopted);
    }

    /// <summary>Creates or replaces a group with its members who may use the app, pushing any member not there yet.</summary>
    private async Task EnsureGroupAsync(Guid groupId, string name, IReadOnlyDictionary<Guid, string>? pushed, CancellationToken cancellationToken)
    {
        var members = await WantedUsers(access.UsersOf(connection.AppId).Where(u => db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == u.Id)), active: true)
            .ToListAsync(cancellationToken);
        var ids = new List<string>();
        foreach (var member in members)
            ids.Add(pushed?.GetValueOrDefault(member.Id) ?? Record(ScimResourceKind.User, member.Id)?.RemoteId ?? await EnsureUserAsync(member, cancellationToken));
        var body = ScimShapes.Group(groupId, name, ids.Where(id => id.Length > 0));
        if (Record(ScimResourceKind.Group, groupId) is { } record)
        {
            var replaced = await client.PutAsync(ScimClient.ResourcePath(ScimShapes.Groups, record.RemoteId), body, cancellationToken);
            if (replaced.Succeeded)
                return;
            if (replaced.Status == HttpStatusCode.Conflict)
                throw new ScimRefusedException($"The SCIM service refused to rename the group {name}: the name is taken there.");
            Forget(record);
        }
        var created = await client.PostAsync(ScimShapes.Groups, body, cancellationToken);
        if (created.Succeeded)
        {
            Remember(ScimResourceKind.Group, groupId, created.Body);
            return;
        }
        if (created.Status == HttpStatusCode.NotFound)
            throw new ScimRefusedException($"The SCIM service has no Groups endpoint at {connection.BaseUrl}.");
        var adopted = await FindAsync(ScimShapes.Groups, "externalId", groupId.ToString(), cancellationToken)
            ?? await FindAsync(ScimShapes.Groups, "displayName", name, cancellationToken);
        if (adopted is null || adopted.ExternalId is { Length: > 0 } other && other != groupId.ToString())
            throw new ScimRefusedException($"The SCIM service already has a group named {name} that Roster does not manage.");
        Remember(ScimResourceKind.Group, groupId, adopted.Id);
        var put = await client.PutAsync(ScimClient.ResourcePath(ScimShapes.Groups, adopted.Id), body, cancellationToken);
        if (!put.Succeeded)
            throw new ScimRefusedException($"The SCIM service refused to update the group {name} ({(int)put.Status}).");
    }

    /// <summary>A person deleted from Roster: deleted there, or kept with active: false, as the app chose.</summary>
    private async Task DeprovisionDeletedAsync(ScimResource record, CancellationToken cancellationToken)
    {
        if (connection.Deprovision == Deprovisioning.Delete)
        {
            await DeleteRemoteAsync(record, ScimShapes.Users, cancellationToken);
            return;
        }
        var patch = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "active", ["value"] = false }),
        };
        var patched = await client.PatchAsync(ScimClient.ResourcePath(ScimShapes.Users, record.RemoteId), patch, cancellationToken);
        if (patched.Status == HttpStatusCode.NotFound)
            Forget(record);
    }

    private async Task DeleteRemoteAsync(ScimResource record, string endpoint, CancellationToken cancellationToken)
    {
        // 404: already gone there, which is what was wanted.
        await client.DeleteAsync(ScimClient.ResourcePath(endpoint, record.RemoteId), cancellationToken);
        Forget(record);
    }

    /// <summary>The one resource a filter finds, or null; several are a provider Roster cannot tell apart.</summary>
    private async Task<RemoteResource?> FindAsync(string endpoint, string attribute, string value, CancellationToken cancellationToken)
    {
        var answer = await client.GetAsync(ScimClient.FilterPath(endpoint, attribute, value), cancellationToken);
        if (!answer.Succeeded)
            return null;
        var (found, _) = ScimShapes.ReadList(answer.Body);
        return found.Count == 1 ? found[0] : null;
    }

    private ScimResource? Record(ScimResourceKind kind, Guid localId) => records.GetValueOrDefault((kind, localId));

    private ScimResource Remember(ScimResourceKind kind, Guid localId, JsonNode? created) =>
        Remember(kind, localId, ScimShapes.Read(created)?.Id
            ?? throw new ScimRefusedException("The SCIM service created a resource but its answer carries no id (RFC 7643 section 3.1)."));

    private ScimResource Remember(ScimResourceKind kind, Guid localId, string remoteId)
    {
        if (remoteId.Length > ScimSettings.MaxRemoteId)
            throw new ScimRefusedException($"The SCIM service gave an id longer than {ScimSettings.MaxRemoteId} characters.");
        if (Record(kind, localId) is { } existing)
        {
            if (existing.RemoteId == remoteId)
                return existing;
            Forget(existing);
        }
        ScimResource record;
        // A row forgotten earlier in this job is revived rather than added twice with the same key.
        if (forgotten.Remove((kind, localId), out var revived) && db.Entry(revived).State == EntityState.Deleted)
        {
            db.Entry(revived).State = EntityState.Modified;
            revived.RemoteId = remoteId;
            record = revived;
        }
        else
            db.ScimResources.Add(record = new ScimResource { AppId = connection.AppId, Kind = kind, LocalId = localId, RemoteId = remoteId });
        records[(kind, localId)] = record;
        return record;
    }

    private void Forget(ScimResource record)
    {
        records.Remove((record.Kind, record.LocalId));
        forgotten[(record.Kind, record.LocalId)] = record;
        db.ScimResources.Remove(record);
    }
}
