using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// The directory as LDAP serves it, kept in memory so a search is a dictionary lookup or a scan of ready-made
/// entries instead of queries. It is read in full once, then kept current change by change
/// (<see cref="ApplyAsync"/>): a change reads only the rows it names and rebuilds only the entries they show
/// in, so at 100,000 people one person's change costs a few rows, not the whole directory.
/// Searches read it without a lock while one writer at a time applies changes (<see cref="LdapDirectory"/>):
/// every value in its dictionaries is immutable and replaced whole, so a search sees each entry either before
/// or after a change, never half of one. Listed people are those who may sign in: enabled, with no pending
/// invitation.
/// </summary>
public sealed partial class DirectoryImage
{
    /// <summary>More changed people than this in one change re-read each app's allowed people in one query instead of asking about each.</summary>
    private const int ManyPeople = 500;

    private readonly DirectoryTree tree;
    private readonly PosixAttributes posix;
    private readonly ConcurrentDictionary<Guid, Person> people = new();
    private readonly ConcurrentDictionary<string, Person> peopleByName = new(StringComparer.OrdinalIgnoreCase);
    // Linux hosts ask by number as often as by name (getent passwd 10001, ls -l): a scan of everyone would not do.
    private readonly ConcurrentDictionary<int, Person> peopleByNumber = new();
    private readonly ConcurrentDictionary<Guid, GroupState> groups = new();
    private readonly ConcurrentDictionary<string, GroupState> groupsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, AppState> apps = new();
    private readonly ConcurrentDictionary<string, AppState> serviceAccounts = new(StringComparer.OrdinalIgnoreCase);

    private DirectoryImage(DirectoryTree tree, PosixAttributes posix)
    {
        this.tree = tree;
        this.posix = posix;
        Everyone = new DirectoryView(this, null);
    }

    /// <summary>What a person bound as themselves sees: every listed person and group.</summary>
    public DirectoryView Everyone { get; }

    /// <summary>What an app's service account sees: the people allowed to use the app, and groups listing only those; null for an app without LDAP.</summary>
    public DirectoryView? ForApp(Guid appId) => apps.TryGetValue(appId, out var app) ? new DirectoryView(this, app) : null;

    /// <summary>An app's service account by client id (the <c>cn</c> of its DN).</summary>
    public ServiceAccount? ServiceAccount(string clientId) =>
        serviceAccounts.TryGetValue(clientId, out var app) ? new ServiceAccount(app.Id, app.ClientId, app.PasswordHash) : null;

    public static async Task<DirectoryImage> LoadAsync(RosterDb db, AppAccessPolicy access, DirectoryTree tree, PosixAttributes posix, CancellationToken cancellationToken)
    {
        var image = new DirectoryImage(tree, posix);
        var rows = await ListedPeople(db.Users).ToListAsync(cancellationToken);
        var keys = await SshKeys(db.SshKeys).ToListAsync(cancellationToken);
        var keysOf = keys.ToLookup(k => k.UserId, k => k.Line);
        var memberships = await db.GroupMembers.AsNoTracking().Select(m => new { m.GroupId, m.UserId }).ToListAsync(cancellationToken);
        var groupsOf = memberships.ToLookup(m => m.UserId, m => m.GroupId);
        var membersOf = memberships.ToLookup(m => m.GroupId, m => m.UserId);
        foreach (var row in await GroupRows(db.Groups).ToListAsync(cancellationToken))
            image.PutGroup(new GroupState(row, membersOf[row.Id].ToFrozenSet(), null!));
        foreach (var row in rows)
            image.PutPerson(image.NewPerson(row, groupsOf[row.Id].ToFrozenSet(), [.. keysOf[row.Id]]));
        foreach (var group in image.groups.Values)
            image.PutGroup(image.WithEntry(group));
        foreach (var app in await LdapApps(db.Apps).ToListAsync(cancellationToken))
            image.PutApp(app, await access.UsersOf(app.Id).Select(u => u.Id).ToListAsync(cancellationToken));
        image.mail = await MailImage.LoadAsync(db, cancellationToken);
        return image;
    }

    /// <summary>Brings the image up to date with <paramref name="change"/>, reading only the rows it names.</summary>
    public async Task ApplyAsync(DirectoryChange change, RosterDb db, AppAccessPolicy access, CancellationToken cancellationToken)
    {
        // Read everything first, so a failed query changes nothing.
        var groupIds = change.Groups.ToList();
        var appIds = change.Apps.ToList();
        var groupRows = (await GroupRows(db.Groups.Where(g => groupIds.Contains(g.Id))).ToListAsync(cancellationToken)).ToDictionary(g => g.Id);
        // A group new to the image may already have members (made in the same save, or before this process heard of
        // it): they are read again like the people the change names.
        var newGroupIds = groupIds.Where(id => !groups.ContainsKey(id)).ToList();
        var userIds = change.Users.Union(await db.GroupMembers.Where(m => newGroupIds.Contains(m.GroupId)).Select(m => m.UserId).ToListAsync(cancellationToken)).ToList();
        var userRows = (await ListedPeople(db.Users.Where(u => userIds.Contains(u.Id))).ToListAsync(cancellationToken)).ToDictionary(u => u.Id);
        var userKeys = (await SshKeys(db.SshKeys.Where(k => userIds.Contains(k.UserId))).ToListAsync(cancellationToken)).ToLookup(k => k.UserId, k => k.Line);
        var userGroups = (await db.GroupMembers.AsNoTracking().Where(m => userIds.Contains(m.UserId)).Select(m => new { m.UserId, m.GroupId }).ToListAsync(cancellationToken))
            .ToLookup(m => m.UserId, m => m.GroupId);
        var appRows = (await LdapApps(db.Apps.Where(a => appIds.Contains(a.Id))).ToListAsync(cancellationToken)).ToDictionary(a => a.Id);
        var allowedByApp = new Dictionary<Guid, List<Guid>>();
        foreach (var appId in appRows.Keys)
            allowedByApp[appId] = await access.UsersOf(appId).Select(u => u.Id).ToListAsync(cancellationToken);
        var mailRows = change.Mail ? await MailImage.LoadAsync(db, cancellationToken) : null;
        var allowedAmongChanged = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var app in apps.Values.Where(a => !change.Apps.Contains(a.Id)))
        {
            if (userIds.Count > ManyPeople)
                allowedByApp[app.Id] = await access.UsersOf(app.Id).Select(u => u.Id).ToListAsync(cancellationToken);
            else if (userIds.Count > 0)
                allowedAmongChanged[app.Id] = [.. await access.UsersOf(app.Id).Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken)];
        }

        if (mailRows is not null)
            mail = mailRows;
        var staleGroups = new HashSet<Guid>();
        var stalePeople = new HashSet<Guid>();
        foreach (var id in groupIds)
            ApplyGroup(id, groupRows.GetValueOrDefault(id), stalePeople);
        foreach (var id in userIds)
            ApplyPerson(id, userRows.GetValueOrDefault(id), userGroups[id].ToFrozenSet(), [.. userKeys[id]], staleGroups);
        foreach (var id in stalePeople.Except(userIds))
            if (people.TryGetValue(id, out var person))
                PutPerson(NewPerson(person.Row, person.GroupIds, person.Keys));
        foreach (var id in staleGroups)
            if (groups.TryGetValue(id, out var group))
                PutGroup(WithEntry(group));

        foreach (var id in appIds)
        {
            RemoveApp(id);
            if (appRows.TryGetValue(id, out var row))
                PutApp(row, allowedByApp[id]);
        }
        foreach (var (appId, allowed) in allowedByApp.Where(a => !change.Apps.Contains(a.Key)))
            if (apps.TryGetValue(appId, out var app))
                app.ReplaceAllowed(allowed);
        foreach (var (appId, allowed) in allowedAmongChanged)
            if (apps.TryGetValue(appId, out var app))
                foreach (var userId in userIds)
                    if (app.SetAllowed(userId, allowed.Contains(userId)) && people.TryGetValue(userId, out var person))
                        app.Forget(person.GroupIds);
    }

    private void ApplyGroup(Guid id, GroupRow? row, HashSet<Guid> stalePeople)
    {
        var old = groups.GetValueOrDefault(id);
        if (old is not null && (row is null || !string.Equals(old.Row.Name, row.Name, StringComparison.Ordinal)))
        {
            groupsByName.TryRemove(old.Row.Name, out _);
            // Their memberOf names this group.
            stalePeople.UnionWith(old.Members);
        }
        if (row is null)
        {
            groups.TryRemove(id, out _);
            return;
        }
        // Members are kept from each person's side (ApplyPerson): a change of membership names the person, and a
        // group new to the image has its members read again with the people of the change.
        PutGroup(WithEntry(new GroupState(row, old?.Members ?? FrozenSet<Guid>.Empty, null!)));
    }

    private void ApplyPerson(Guid id, PersonRow? row, FrozenSet<Guid> groupIds, string[] keys, HashSet<Guid> staleGroups)
    {
        var old = people.GetValueOrDefault(id);
        // Each group is made to agree with the person's memberships as just read, whatever the image held before, so
        // a change applied out of order (a group not yet in the image, a read that straddled a commit) heals here.
        var listing = groups.Values.Where(g => g.Members.Contains(id)).Select(g => g.Row.Id).ToHashSet();
        foreach (var groupId in listing.Except(groupIds).Concat(groupIds.Except(listing)).ToList())
        {
            if (!groups.TryGetValue(groupId, out var group))
                continue;
            var members = groupIds.Contains(groupId) ? group.Members.Append(id) : group.Members.Where(m => m != id);
            PutGroup(group with { Members = members.ToFrozenSet() });
            staleGroups.Add(groupId);
        }
        // A group lists its members by DN: a new username, or a person no longer listed, changes every group they are in.
        if (!string.Equals(old?.Row.Username, row?.Username, StringComparison.Ordinal))
            staleGroups.UnionWith(listing.Union(groupIds));
        if (old is not null)
        {
            people.TryRemove(id, out _);
            peopleByName.TryRemove(old.Row.Username, out _);
            peopleByNumber.TryRemove(KeyValuePair.Create(old.Row.UidNumber, old));
        }
        if (row is not null)
            PutPerson(NewPerson(row, groupIds, keys));
    }

    private Person NewPerson(PersonRow row, FrozenSet<Guid> groupIds, string[] keys)
    {
        var groupNames = groupIds.Select(id => groups.GetValueOrDefault(id)?.Row.Name).OfType<string>().Order(StringComparer.OrdinalIgnoreCase);
        var entry = tree.User(row.Id, row.Username, row.Name, GivenName(row.Name), Surname(row.Name), row.Email, groupNames, At(row.Created), At(row.Modified),
            posix.Account(row.Username, row.Name, row.UidNumber, keys));
        return new Person(row, groupIds, keys, entry);
    }

    private GroupState WithEntry(GroupState group) => group with { Entry = GroupEntry(group, _ => true) };

    private DirectoryEntry GroupEntry(GroupState group, Func<Guid, bool> sees) =>
        tree.Group(group.Row.Id, group.Row.Name, group.Row.Description,
            group.Members.Where(sees).Select(id => people.GetValueOrDefault(id)?.Row.Username).OfType<string>().Order(StringComparer.OrdinalIgnoreCase),
            At(group.Row.Created), At(group.Row.Modified), posix.GroupNumber(group.Row.Name, group.Row.GidNumber));

    private void PutPerson(Person person)
    {
        people[person.Row.Id] = person;
        peopleByName[person.Row.Username] = person;
        if (person.Row.UidNumber > 0)
            peopleByNumber[person.Row.UidNumber] = person;
    }

    private void PutGroup(GroupState group)
    {
        groups[group.Row.Id] = group;
        groupsByName[group.Row.Name] = group;
    }

    private void PutApp(AppRow row, IEnumerable<Guid> allowed)
    {
        var app = new AppState(row.Id, row.ClientId, row.LdapPasswordHash!);
        app.ReplaceAllowed(allowed);
        apps[row.Id] = app;
        serviceAccounts[row.ClientId] = app;
    }

    private void RemoveApp(Guid id)
    {
        if (apps.TryRemove(id, out var old))
            serviceAccounts.TryRemove(KeyValuePair.Create(old.ClientId, old));
    }

    private static IQueryable<PersonRow> ListedPeople(IQueryable<User> users) => users.AsNoTracking()
        .Where(u => u.Enabled && !u.InvitationPending && u.UserName != null)
        .Select(u => new PersonRow(u.Id, u.UserName!, u.Name, u.Email, u.CreatedAt, u.UpdatedAt, u.UidNumber));

    private static IQueryable<GroupRow> GroupRows(IQueryable<Groups.Group> groups) => groups.AsNoTracking()
        .Select(g => new GroupRow(g.Id, g.Name, g.Description, g.CreatedAt, g.UpdatedAt, g.GidNumber));

    private static IQueryable<KeyRow> SshKeys(IQueryable<SshKey> keys) => keys.AsNoTracking()
        .OrderBy(k => k.CreatedAt)
        .Select(k => new KeyRow(k.UserId, k.Type, k.PublicKey, k.Comment));

    private static IQueryable<AppRow> LdapApps(IQueryable<App> apps) => apps.AsNoTracking()
        .Where(a => a.LdapPasswordHash != null && a.DirectoryMode == DirectoryMode.UseRoster)
        .Select(a => new AppRow(a.Id, a.ClientId, a.LdapPasswordHash));

    /// <summary>Roster keeps one name; LDAP wants given and family names too: the first word, and the rest.</summary>
    private static string? GivenName(string name) => name.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [var first, _] ? first : null;

    private static string? Surname(string name) => name.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries) is [_, var rest] ? rest.Trim() : null;

    private static DateTimeOffset At(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    internal sealed record PersonRow(Guid Id, string Username, string Name, string? Email, DateTime Created, DateTime Modified, int UidNumber);

    internal sealed record GroupRow(Guid Id, string Name, string Description, DateTime Created, DateTime Modified, int GidNumber);

    private sealed record KeyRow(Guid UserId, string Type, string PublicKey, string Comment)
    {
        public string Line => new SshKey { Type = Type, PublicKey = PublicKey, Comment = Comment }.Line;
    }

    private sealed record AppRow(Guid Id, string ClientId, string? LdapPasswordHash);

    internal sealed record Person(PersonRow Row, FrozenSet<Guid> GroupIds, string[] Keys, DirectoryEntry Entry);

    /// <summary>A group, its members (listed or not: the entry shows the listed ones) and its entry as people see it.</summary>
    internal sealed record GroupState(GroupRow Row, FrozenSet<Guid> Members, DirectoryEntry Entry);

    /// <summary>An app with an LDAP service account: who may use it, and its groups' entries as it sees them, made on first use.</summary>
    internal sealed class AppState(Guid id, string clientId, string passwordHash)
    {
        private readonly ConcurrentDictionary<Guid, byte> allowed = new();
        private readonly ConcurrentDictionary<Guid, (GroupState Source, DirectoryEntry Entry)> groupEntries = new();

        public Guid Id { get; } = id;
        public string ClientId { get; } = clientId;
        public string PasswordHash { get; } = passwordHash;

        public bool Allows(Guid userId) => allowed.ContainsKey(userId);

        public IEnumerable<Guid> Allowed => allowed.Select(pair => pair.Key);

        public int AllowedCount => allowed.Count;

        /// <summary>Says whether the answer for <paramref name="userId"/> changed.</summary>
        public bool SetAllowed(Guid userId, bool allows) => allows ? allowed.TryAdd(userId, 0) : allowed.TryRemove(userId, out _);

        public void ReplaceAllowed(IEnumerable<Guid> userIds)
        {
            var now = userIds.ToHashSet();
            foreach (var userId in Allowed.Where(id => !now.Contains(id)))
                allowed.TryRemove(userId, out _);
            foreach (var userId in now)
                allowed.TryAdd(userId, 0);
            groupEntries.Clear();
        }

        public void Forget(IEnumerable<Guid> groupIds)
        {
            foreach (var groupId in groupIds)
                groupEntries.TryRemove(groupId, out _);
        }

        /// <summary>A group's entry listing only this app's people; made again once the group has changed.</summary>
        public DirectoryEntry GroupEntry(GroupState group, DirectoryImage image)
        {
            if (groupEntries.TryGetValue(group.Row.Id, out var cached) && ReferenceEquals(cached.Source, group))
                return cached.Entry;
            var entry = image.GroupEntry(group, Allows);
            groupEntries[group.Row.Id] = (group, entry);
            return entry;
        }
    }

    /// <summary>The entries one kind of identity sees, by username and by group name (both case-insensitive, as uid and cn match).</summary>
    public sealed class DirectoryView
    {
        private readonly DirectoryImage image;
        private readonly AppState? app;

        internal DirectoryView(DirectoryImage image, AppState? app)
        {
            this.image = image;
            this.app = app;
        }

        public DirectoryEntry? Person(string username) =>
            image.peopleByName.TryGetValue(username, out var person) && Sees(person.Row.Id) ? person.Entry : null;

        /// <summary>By uidNumber, as integerMatch compares it (leading zeros ignored); anything else names no one.</summary>
        public DirectoryEntry? PersonNumbered(string uidNumber) =>
            int.TryParse(uidNumber, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && image.peopleByNumber.TryGetValue(number, out var person) && Sees(person.Row.Id) ? person.Entry : null;

        public IEnumerable<DirectoryEntry> People()
        {
            // An app allowed to few people lists them; one allowed to most scans everyone.
            if (app is not null && app.AllowedCount < image.people.Count / 2)
                return app.Allowed.Select(id => image.people.GetValueOrDefault(id)?.Entry).OfType<DirectoryEntry>();
            return image.peopleByName.Select(pair => pair.Value).Where(person => Sees(person.Row.Id)).Select(person => person.Entry);
        }

        public DirectoryEntry? Group(string name) => image.groupsByName.TryGetValue(name, out var group) ? Entry(group) : null;

        public IEnumerable<DirectoryEntry> Groups() => image.groupsByName.Select(pair => Entry(pair.Value));

        /// <summary>Mail domains, mailboxes of the people this identity sees (and of groups), and mailing lists.</summary>
        public IEnumerable<DirectoryEntry> Mail(DirectoryQuery query) => image.MailEntries(query, Sees);

        private bool Sees(Guid userId) => app is null || app.Allows(userId);

        private DirectoryEntry Entry(GroupState group) => app is null ? group.Entry : app.GroupEntry(group, image);
    }
}

public sealed record ServiceAccount(Guid AppId, string ClientId, string PasswordHash);
