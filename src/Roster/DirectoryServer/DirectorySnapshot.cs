using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// The directory as LDAP serves it, read from the database in one go and kept in memory, so a search is a
/// dictionary lookup or a scan of ready-made entries instead of queries. Never stale on this instance: any
/// change to people, groups, memberships or apps marks it (<see cref="DirectoryChanges"/>), and the next
/// search reads it again. Listed people are those who may sign in: enabled, with no pending invitation.
/// </summary>
public sealed class DirectorySnapshot
{
    private readonly ConcurrentDictionary<Guid, AppView> appViews = new();

    private DirectorySnapshot(
        long version,
        DirectoryTree tree,
        List<PersonRow> people,
        List<GroupRow> groups,
        FrozenDictionary<string, ServiceAccount> serviceAccounts,
        FrozenDictionary<Guid, FrozenSet<Guid>> usersByApp)
    {
        Version = version;
        Tree = tree;
        this.people = people;
        this.groups = groups;
        ServiceAccounts = serviceAccounts;
        this.usersByApp = usersByApp;
        Everyone = BuildView(_ => true);
    }

    private readonly List<PersonRow> people;
    private readonly List<GroupRow> groups;
    private readonly FrozenDictionary<Guid, FrozenSet<Guid>> usersByApp;

    public long Version { get; }
    public DirectoryTree Tree { get; }

    /// <summary>Apps with a service account, by client id (the <c>cn</c> of the account's DN).</summary>
    public FrozenDictionary<string, ServiceAccount> ServiceAccounts { get; }

    /// <summary>What a person bound as themselves sees: every listed person and group.</summary>
    public AppView Everyone { get; }

    /// <summary>What an app's service account sees: the people allowed to use the app, and groups with only those as members.</summary>
    public AppView ForApp(Guid appId) =>
        appViews.GetOrAdd(appId, id => BuildView(person => usersByApp.TryGetValue(id, out var allowed) && allowed.Contains(person.Id)));

    public static async Task<DirectorySnapshot> LoadAsync(RosterDb db, AppAccessPolicy access, DirectoryTree tree, PosixAttributes posix, long version, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => u.Enabled && !u.InvitationPending && u.UserName != null)
            .Select(u => new { u.Id, u.UserName, u.Name, u.Email, u.CreatedAt, u.UpdatedAt, u.UidNumber })
            .ToListAsync(cancellationToken);
        var keys = (await db.SshKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken)).ToLookup(k => k.UserId, k => k.Line);
        var groupRows = await db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);
        var memberships = await db.GroupMembers.AsNoTracking().Select(m => new { m.GroupId, m.UserId }).ToListAsync(cancellationToken);
        var apps = await db.Apps.AsNoTracking()
            .Where(a => a.LdapPasswordHash != null && a.DirectoryMode == DirectoryMode.UseRoster)
            .Select(a => new { a.Id, a.ClientId, a.LdapPasswordHash })
            .ToListAsync(cancellationToken);
        var usersByApp = new Dictionary<Guid, FrozenSet<Guid>>();
        foreach (var app in apps)
            usersByApp[app.Id] = (await access.UsersOf(app.Id).Select(u => u.Id).ToListAsync(cancellationToken)).ToFrozenSet();

        var groupNames = groupRows.ToDictionary(g => g.Id, g => g.Name);
        var groupsOf = memberships.ToLookup(m => m.UserId, m => groupNames[m.GroupId]);
        var people = users.Select(u => new PersonRow(u.Id, u.UserName!, u.Name, u.Email, [.. groupsOf[u.Id].Order(StringComparer.OrdinalIgnoreCase)],
            At(u.CreatedAt), At(u.UpdatedAt), posix.Account(u.UserName!, u.Name, u.UidNumber, [.. keys[u.Id]]))).ToList();
        var listed = people.ToDictionary(p => p.Id);
        var membersOf = memberships.Where(m => listed.ContainsKey(m.UserId)).ToLookup(m => m.GroupId, m => listed[m.UserId]);
        var groups = groupRows.Select(g => new GroupRow(g.Id, g.Name, g.Description, [.. membersOf[g.Id]], At(g.CreatedAt), At(g.UpdatedAt),
            posix.GroupNumber(g.Name, g.GidNumber))).ToList();
        var accounts = apps.ToFrozenDictionary(a => a.ClientId, a => new ServiceAccount(a.Id, a.ClientId, a.LdapPasswordHash!), StringComparer.OrdinalIgnoreCase);
        return new DirectorySnapshot(version, tree, people, groups, accounts, usersByApp.ToFrozenDictionary());
    }

    private AppView BuildView(Func<PersonRow, bool> sees)
    {
        var visible = people.Where(sees).ToList();
        var byUsername = visible.ToFrozenDictionary(p => p.Username, p => Tree.User(p.Id, p.Username, p.Name, GivenName(p.Name), Surname(p.Name), p.Email, p.Groups, p.Created, p.Modified, p.Posix),
            StringComparer.OrdinalIgnoreCase);
        var visibleIds = visible.Select(p => p.Id).ToHashSet();
        var byName = groups.ToFrozenDictionary(g => g.Name,
            g => Tree.Group(g.Id, g.Name, g.Description, g.Members.Where(m => visibleIds.Contains(m.Id)).Select(m => m.Username), g.Created, g.Modified, g.GidNumber),
            StringComparer.OrdinalIgnoreCase);
        return new AppView(byUsername, byName);
    }

    /// <summary>Roster keeps one name; LDAP wants given and family names too: the first word, and the rest.</summary>
    private static string? GivenName(string name) => name.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [var first, _] ? first : null;

    private static string? Surname(string name) => name.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [_, var rest] ? rest.Trim() : null;

    private static DateTimeOffset At(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private sealed record PersonRow(Guid Id, string Username, string Name, string? Email, string[] Groups, DateTimeOffset Created, DateTimeOffset Modified, PosixAccount? Posix);

    private sealed record GroupRow(Guid Id, string Name, string Description, PersonRow[] Members, DateTimeOffset Created, DateTimeOffset Modified, long? GidNumber);
}

/// <summary>The entries one kind of identity sees, by username and by group name (both case-insensitive, as uid and cn match).</summary>
public sealed record AppView(FrozenDictionary<string, DirectoryEntry> People, FrozenDictionary<string, DirectoryEntry> Groups);

public sealed record ServiceAccount(Guid AppId, string ClientId, string PasswordHash);
