using System.Net;
using System.Runtime.CompilerServices;

namespace Roster.Ldap.Tests.Support;

// The IDirectory of the tests: people, groups and app service accounts in memory, with the host's rules the
// protocol relies on (disabled people neither bind nor appear; an app's account sees only that app's people).
public sealed class InMemoryDirectory(DirectoryTree tree) : IDirectory
{
    public sealed record Person(string Username, string Password, string? DisplayName = null, string? GivenName = null,
        string? Surname = null, string? Email = null, bool Disabled = false)
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    public sealed record App(string Name, string Password, HashSet<string> Users);

    // A service account's identity, carrying its app so SearchAsync needs no lookup.
    public sealed record AppIdentity(DistinguishedName Dn, App App) : BoundIdentity(Dn);

    public static readonly DateTimeOffset Created = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
    public static readonly DateTimeOffset Modified = new(2024, 6, 7, 8, 9, 10, TimeSpan.Zero);

    public DirectoryTree Tree { get; } = tree;
    public List<Person> People { get; } = [];
    public Dictionary<string, (Guid Id, string? Description, List<string> Members)> Groups { get; } = [];
    public List<App> Apps { get; } = [];
    public List<DirectoryQuery> Queries { get; } = [];
    public List<BoundIdentity> Askers { get; } = [];
    // What each bind was told about the connection's earlier identity, in order.
    public List<BoundIdentity?> EarlierIdentities { get; } = [];

    // Called before each search is answered; a test can make a search wait here.
    public Func<DirectoryQuery, CancellationToken, Task>? BeforeSearch { get; set; }

    public DistinguishedName AppDn(string name) => Tree.Base.Child("ou", "apps").Child("cn", name);

    public InMemoryDirectory AddPerson(Person person)
    {
        People.Add(person);
        return this;
    }

    public InMemoryDirectory AddGroup(string name, string? description, params string[] members)
    {
        Groups[name] = (Guid.NewGuid(), description, [.. members]);
        return this;
    }

    public ValueTask<BindOutcome> BindAsync(DistinguishedName name, string password, BoundIdentity? earlier, IPEndPoint client, CancellationToken cancellationToken)
    {
        lock (EarlierIdentities)
        {
            EarlierIdentities.Add(earlier);
        }
        if (Tree.TryGetUsername(name, out var username)
            && People.FirstOrDefault(p => string.Equals(p.Username, username, StringComparison.OrdinalIgnoreCase)) is { Disabled: false } person
            && person.Password == password)
        {
            return ValueTask.FromResult(BindOutcome.Success(new BoundIdentity(Tree.UserDn(person.Username))));
        }
        if (Apps.FirstOrDefault(a => AppDn(a.Name).Equals(name)) is { } app && app.Password == password)
        {
            return ValueTask.FromResult(BindOutcome.Success(new AppIdentity(AppDn(app.Name), app)));
        }
        return ValueTask.FromResult(BindOutcome.InvalidCredentials);
    }

    public async IAsyncEnumerable<DirectoryEntry> SearchAsync(BoundIdentity who, DirectoryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (Queries)
        {
            Queries.Add(query);
            Askers.Add(who);
        }
        if (BeforeSearch is { } before)
        {
            await before(query, cancellationToken);
        }
        if (query.People)
        {
            foreach (var person in People)
            {
                if (person.Disabled || (who is AppIdentity app && !app.App.Users.Contains(person.Username)))
                {
                    continue;
                }
                var groups = Groups.Where(g => g.Value.Members.Contains(person.Username)).Select(g => g.Key);
                yield return Tree.User(person.Id, person.Username, person.DisplayName, person.GivenName, person.Surname,
                    person.Email, groups, Created, Modified);
            }
        }
        if (query.Groups)
        {
            foreach (var (name, group) in Groups)
            {
                yield return Tree.Group(group.Id, name, group.Description, group.Members, Created, Modified);
            }
        }
    }

    // The usual small directory of the tests.
    public static InMemoryDirectory Sample(DirectoryTree tree)
    {
        var directory = new InMemoryDirectory(tree)
            .AddPerson(new("alice", "alice-password", "Alice Liddell", "Alice", "Liddell", "alice@example.org"))
            .AddPerson(new("bob", "bob-password", null, "Bob", "Builder", "bob@example.org"))
            .AddPerson(new("carol", "carol-password", "Carol Danvers", "Carol", "Danvers", "carol@example.net"))
            .AddPerson(new("dave", "dave-password", "Dave Disabled", Disabled: true))
            .AddGroup("admins", "People who run things", "alice")
            .AddGroup("staff", null, "alice", "bob", "carol");
        directory.Apps.Add(new App("wiki", "wiki-secret", ["alice", "bob"]));
        return directory;
    }
}
