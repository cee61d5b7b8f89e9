using Microsoft.EntityFrameworkCore;

namespace Roster.Provisioning;

/// <summary>What a full reconciliation found and fixed.</summary>
public sealed record SyncReport(int Created, int Updated, int Deactivated, int Deleted, int Groups);

public sealed partial class ScimReconciler
{
    /// <summary>Resources per list request: pages stay well under <see cref="OutboundHttp.MaxResponseBytes"/>.</summary>
    private const int PageSize = 100;

    /// <summary>No provider is read past this many resources of a kind; a bigger one is not a provider Roster can keep in step.</summary>
    private const int MaxListed = 1_000_000;

    /// <summary>
    /// Lists everything the provider has, compares it with what Roster says, and fixes the difference: people and groups
    /// missing there are created, drifted ones replaced, and those Roster pushed that should no longer be there are
    /// deactivated or deleted. Resources Roster neither recorded nor finds its own id on (externalId) are left alone.
    /// </summary>
    public async Task<SyncReport> SyncAsync(CancellationToken cancellationToken)
    {
        int created = 0, updated = 0, deactivated = 0, deleted = 0;
        var remoteUsers = await ListAsync(ScimShapes.Users, "", cancellationToken);
        var byId = remoteUsers.ToDictionary(r => r.Id);
        var byExternal = remoteUsers.Where(r => r.RosterId is not null).GroupBy(r => r.RosterId!.Value).ToDictionary(g => g.Key, g => g.First());
        var wanted = await WantedUsers(access.UsersOf(connection.AppId), active: true).ToListAsync(cancellationToken);
        var pushed = new Dictionary<Guid, string>();
        var handled = new HashSet<string>();

        foreach (var user in wanted)
        {
            var record = Record(ScimResourceKind.User, user.Id);
            var remote = record is not null && byId.TryGetValue(record.RemoteId, out var recorded) ? recorded : byExternal.GetValueOrDefault(user.Id);
            if (remote is null)
            {
                if (record is not null)
                    Forget(record);
                created++;
            }
            else
            {
                Remember(ScimResourceKind.User, user.Id, remote.Id);
                handled.Add(remote.Id);
                if (ScimShapes.Differs(remote, user))
                    updated++;
            }
            var id = await EnsureUserAsync(user, cancellationToken, remote);
            pushed[user.Id] = id;
            handled.Add(id);
        }

        // Those there that Roster pushed but that may no longer use the app.
        var recordedIds = records.Values.Where(r => r.Kind == ScimResourceKind.User).ToDictionary(r => r.RemoteId, r => r.LocalId);
        var extras = remoteUsers.Where(r => !handled.Contains(r.Id)).ToList();
        var candidates = extras.Select(r => recordedIds.TryGetValue(r.Id, out var local) ? local : r.RosterId).OfType<Guid>().Distinct().ToList();
        var existing = await WantedUsers(db.Users.Where(u => candidates.Contains(u.Id)), active: false).ToDictionaryAsync(u => u.Id, cancellationToken);
        foreach (var remote in extras)
        {
            var local = recordedIds.TryGetValue(remote.Id, out var id) ? id : remote.RosterId is { } external && existing.ContainsKey(external) ? external : (Guid?)null;
            if (local is not { } localId)
                continue; // not Roster's: never touched
            var record = Remember(ScimResourceKind.User, localId, remote.Id);
            if (existing.TryGetValue(localId, out var person))
            {
                if (ScimShapes.Differs(remote, person))
                {
                    await EnsureUserAsync(person, cancellationToken, remote);
                    deactivated++;
                }
            }
            else if (connection.Deprovision == Deprovisioning.Delete)
            {
                await DeleteRemoteAsync(record, ScimShapes.Users, cancellationToken);
                deleted++;
            }
            else if (remote.Active)
            {
                await DeprovisionDeletedAsync(record, cancellationToken);
                deactivated++;
            }
        }
        // Records of people gone from the provider and from the app: nothing left to keep in step.
        foreach (var stale in records.Values.Where(r => r.Kind == ScimResourceKind.User && !byId.ContainsKey(r.RemoteId) && !pushed.ContainsKey(r.LocalId)).ToList())
            Forget(stale);

        var groups = await SyncGroupsAsync(pushed, cancellationToken);
        return new SyncReport(created, updated, deactivated, deleted, groups);
    }

    private async Task<int> SyncGroupsAsync(Dictionary<Guid, string> pushed, CancellationToken cancellationToken)
    {
        var remoteGroups = await ListAsync(ScimShapes.Groups, "&excludedAttributes=members", cancellationToken);
        var byId = remoteGroups.ToDictionary(r => r.Id);
        var named = await NamedGroups().ToListAsync(cancellationToken);
        var handled = new HashSet<string>();
        foreach (var group in named)
        {
            var record = Record(ScimResourceKind.Group, group.Id);
            var remote = record is not null && byId.TryGetValue(record.RemoteId, out var recorded) ? recorded
                : remoteGroups.FirstOrDefault(r => r.RosterId == group.Id);
            if (remote is null && record is not null)
                Forget(record);
            else if (remote is not null)
            {
                Remember(ScimResourceKind.Group, group.Id, remote.Id);
                handled.Add(remote.Id);
            }
            // Membership is not listed (a group of thousands would not fit a page), so every named group is replaced whole.
            await EnsureGroupAsync(group.Id, group.Name, pushed, cancellationToken);
            if (Record(ScimResourceKind.Group, group.Id) is { } now)
                handled.Add(now.RemoteId);
        }
        var recordedIds = records.Values.Where(r => r.Kind == ScimResourceKind.Group).ToDictionary(r => r.RemoteId, r => r);
        var groupIds = remoteGroups.Select(r => r.RosterId).OfType<Guid>().ToList();
        var rosterGroups = await db.Groups.Where(g => groupIds.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
        foreach (var remote in remoteGroups.Where(r => !handled.Contains(r.Id)))
        {
            var record = recordedIds.GetValueOrDefault(remote.Id)
                ?? (remote.RosterId is { } id && rosterGroups.Contains(id) ? Remember(ScimResourceKind.Group, id, remote.Id) : null);
            if (record is not null)
                await DeleteRemoteAsync(record, ScimShapes.Groups, cancellationToken);
        }
        foreach (var stale in records.Values.Where(r => r.Kind == ScimResourceKind.Group && !byId.ContainsKey(r.RemoteId) && !handled.Contains(r.RemoteId)).ToList())
            Forget(stale);
        return named.Count;
    }

    /// <summary>Every resource of an endpoint, page by page (RFC 7644 section 3.4.2.4).</summary>
    private async Task<List<RemoteResource>> ListAsync(string endpoint, string extra, CancellationToken cancellationToken)
    {
        var all = new List<RemoteResource>();
        var seen = new HashSet<string>();
        var start = 1;
        while (all.Count < MaxListed)
        {
            var answer = await client.GetAsync($"{endpoint}?startIndex={start}&count={PageSize}{extra}", cancellationToken);
            if (!answer.Succeeded)
                throw new ScimRefusedException($"The SCIM service could not list its {endpoint} ({(int)answer.Status}).");
            var (page, total) = ScimShapes.ReadList(answer.Body);
            var fresh = page.Where(r => seen.Add(r.Id)).ToList();
            all.AddRange(fresh);
            start += page.Count;
            // A provider that ignores startIndex answers the first page again: what it repeats ends the list.
            if (fresh.Count == 0 || start > total)
                break;
        }
        return all;
    }
}
