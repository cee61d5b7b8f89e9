using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Groups;
using Roster.Oidc;
using Roster.Tests.Infrastructure;
using Roster.Tests.Ldap;

namespace Roster.Tests.Accounts;

/// <summary>
/// Thousands of interleaved changes of usernames, emails, names, roles and memberships, by people of every
/// role, through the pages, the API and the CLI, drawn at random from a few names that clash by case. After
/// every step the identifiers must still be sound: no two accounts share a username or email ignoring case,
/// the changed person signs in by their current name and email only, LDAP answers a search that lists
/// exactly the current usernames, and every OIDC preferred_username belongs to one subject.
/// </summary>
public abstract class IdentifierInvariantTests(RosterFixture fixture, int steps)
{
    private const string Password = "a long test password";
    private const string Group = "crew";

    private static readonly string[] UsernamePool = ["ada", "Ada", "ADA", "grace", "Grace", "linus", "LINUS", "ken", "Ken", "barbara", "edsger", "p03", "P07"];
    private static readonly string[] EmailPool =
        ["ada@example.org", "Ada@Example.org", "grace@example.org", "GRACE@example.org", "shared@example.org", "Shared@example.org", "p05@example.org", "P09@EXAMPLE.ORG"];
    private static readonly Role[] Roles = [Role.User, Role.UserManager, Role.MailManager, Role.Admin, Role.Admin];

    private RosterServer Server => fixture.Server;

    private sealed record Person(Guid Id, FormClient Browser, HttpClient Api);

    private sealed record Snapshot(Guid Id, string? UserName, string? Email, string Name, Role Role, string? NormalizedUserName, string? NormalizedEmail, bool InGroup);

    [Fact]
    public async Task IdentifiersStaySoundThroughThousandsOfRandomChanges()
    {
        var seed = Environment.GetEnvironmentVariable("ROSTER_TEST_SEED") is { } fixedSeed ? int.Parse(fixedSeed) : Random.Shared.Next();
        var random = new Random(seed);
        var log = new StringBuilder($"seed {seed} (ROSTER_TEST_SEED={seed} repeats this run)\n");

        var reader = await Server.CreateUserAsync("ldapreader", Password, Role.Admin);
        var people = new List<Person>();
        for (var i = 0; i < 14; i++)
        {
            var role = i switch { 0 => Role.Owner, 1 or 2 => Role.Admin, 3 => Role.UserManager, 4 => Role.MailManager, _ => Role.User };
            var (user, browser) = await Server.SignedInAsync(role, $"p{i:00}");
            people.Add(new Person(user.Id, browser, await Server.ApiClientAsync(user)));
        }
        Guid group;
        await using (var scope = Server.App.Services.CreateAsyncScope())
            group = (await scope.ServiceProvider.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, Group, null)).Value!.Id;
        var cli = CliEnvironment();
        var app = await Roster.Tests.Oidc.RelyingParty.RegisterAsync(Server, "Invariants");
        var changed = 0;
        var before = await SnapshotAsync();

        for (var step = 1; step <= steps; step++)
        {
            // Mostly those with rights, so that many changes go through; everyone now and then.
            var actor = random.Next(3) == 0 ? people[random.Next(people.Count)] : people[random.Next(5)];
            var target = random.Next(4) == 0 ? actor : people[random.Next(people.Count)];
            // The command line is a process of its own, about a second a call: a few dozen in a run.
            var surface = random.Next(1000) switch { < 10 => "cli", < 505 => "page", _ => "api" };
            var what = await ChangeAsync(random, surface, actor, target, group, before.Single(p => p.Id == target.Id), cli);
            var after = await SnapshotAsync();
            var was = before.Single(p => p.Id == target.Id);
            var now = after.Single(p => p.Id == target.Id);
            if (was != now)
                changed++;
            log.Append($"{step}: {surface} {RoleOf(before, actor)} → {RoleOf(before, target)}{(actor == target ? " (self)" : "")}: {what}; {(was == now ? "unchanged" : "changed")}\n");

            var context = log.ToString();
            AssertUnique(after, context);
            if ((was.UserName, was.Email) != (now.UserName, now.Email))
                await AssertSignsInByCurrentIdentifiersOnlyAsync(was, now, after, context);
            before = after;
            await AssertLdapListsTheCurrentUsernamesAsync(reader, after, context);
            if (step % 50 == 0 || (was.UserName, was.Email) != (now.UserName, now.Email))
                await AssertEachPreferredUsernameHasOneSubjectAsync(app.ClientId, after, context);
        }

        // The run changed things: a run where every change was refused would prove nothing.
        // A run where nearly every change was refused would prove little; a tenth leaves room for an unlucky seed.
        Assert.True(changed > steps / 10, $"only {changed} of {steps} steps changed anything\n{log}");
        Assert.True(log.ToString().Contains(": cli ", StringComparison.Ordinal), "no step went through the command line");
        foreach (var person in people)
        {
            person.Browser.Dispose();
            person.Api.Dispose();
        }
    }

    private static string RoleOf(List<Snapshot> people, Person person) => people.Single(p => p.Id == person.Id).Role.ToString();

    /// <summary>How a page answers a random change: made (a redirect), refused (400) or not this actor's to make (403). Never a server error.</summary>
    private static readonly Expect Answered = Expect.OneOf(HttpStatusCode.Redirect, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden);

    /// <summary>One random change of <paramref name="target"/> by <paramref name="actor"/>; says what it tried.</summary>
    private async Task<string> ChangeAsync(Random random, string surface, Person actor, Person target, Guid group, Snapshot current, Dictionary<string, string?> cli)
    {
        var kind = random.Next(100) switch { < 37 => "username", < 70 => "email", < 80 => "name", < 88 => "role", _ => "group" };
        // Half the names clash by case with others in the pool; the other half are fresh, so that people keep moving.
        var fresh = random.Next(2) == 0 ? random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        var username = UsernamePool[random.Next(UsernamePool.Length)] + fresh;
        var email = fresh + EmailPool[random.Next(EmailPool.Length)];
        var name = "Person " + random.Next(1000);
        var role = Roles[random.Next(Roles.Length)];
        var join = random.Next(2) == 0;
        var value = kind switch { "username" => username, "email" => email, "name" => name, "role" => role.ToString(), _ => join ? "join" : "leave" };
        switch (surface, kind)
        {
            case ("cli", "group"):
                await RosterProcess.RunAsync(Server.DataPath, cli, "group", join ? "add-member" : "remove-member", Group, target.Id.ToString());
                break;
            case ("cli", _):
                await RosterProcess.RunAsync(Server.DataPath, cli, "user", "update", target.Id.ToString(), "--" + kind, value);
                break;
            case ("page", "role"):
                await actor.Browser.SubmitAsync($"/user/{target.Id}", $"/user/{target.Id}?handler=Role", new Dictionary<string, string> { ["NewRole"] = value }, expect: Answered);
                break;
            case ("page", "group"):
                await actor.Browser.SubmitAsync($"/user/{target.Id}", $"/user/{target.Id}?handler={(join ? "JoinGroup" : "LeaveGroup")}",
                    new Dictionary<string, string> { ["GroupId"] = group.ToString() }, expect: Answered);
                break;
            case ("page", _):
                var form = new Dictionary<string, string>
                {
                    ["Email"] = kind == "email" ? value : current.Email ?? "",
                    ["Username"] = kind == "username" ? value : current.UserName ?? "",
                    ["Name"] = kind == "name" ? value : current.Name,
                    ["EmailVisible"] = "true",
                };
                // One's own profile is on /account too: half the time from there.
                if (actor == target && random.Next(2) == 0)
                    await actor.Browser.SubmitAsync("/account", "/account?handler=Profile", form, expect: Answered);
                else
                    await actor.Browser.SubmitAsync($"/user/{target.Id}", $"/user/{target.Id}?handler=Profile", form, expect: Answered);
                break;
            case ("api", "group"):
                using (var response = join
                    ? await actor.Api.PostAsJsonAsync($"/api/v1/groups/{group}/members", new { users = new[] { target.Id.ToString() } })
                    : await actor.Api.DeleteAsync($"/api/v1/groups/{group}/members/{target.Id}"))
                    break;
            case ("api", _):
                using (await actor.Api.PatchAsJsonAsync($"/api/v1/users/{target.Id}", new Dictionary<string, string> { [kind] = value }))
                    break;
        }
        return $"{kind} {value}";
    }

    private Dictionary<string, string?> CliEnvironment() => new()
    {
        ["Roster__Database__Provider"] = Server.App.Configuration["Roster:Database:Provider"],
        ["Roster__Database__ConnectionString"] = Server.App.Configuration["Roster:Database:ConnectionString"],
        ["Roster__DataDirectory"] = Server.DataPath,
        ["Roster__PublicUrl"] = Server.BaseUrl,
    };

    private Task<List<Snapshot>> SnapshotAsync() => Server.QueryAsync(db => db.Users.AsNoTracking()
        .Select(u => new Snapshot(u.Id, u.UserName, u.Email, u.Name, u.Role, u.NormalizedUserName, u.NormalizedEmail, db.GroupMembers.Any(m => m.UserId == u.Id)))
        .ToListAsync());

    /// <summary>Judged on the names as stored, ignoring case here, not on the normalised columns the product keeps.</summary>
    private static void AssertUnique(List<Snapshot> people, string context)
    {
        var names = people.Where(p => p.UserName is not null).GroupBy(p => p.UserName!.ToUpperInvariant()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var emails = people.Where(p => p.Email is not null).GroupBy(p => p.Email!.ToUpperInvariant()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(names.Count == 0 && emails.Count == 0, $"shared usernames {string.Join(", ", names)}; shared emails {string.Join(", ", emails)}\n{context}");
        var stale = people.Where(p => p.NormalizedUserName != p.UserName?.ToUpperInvariant() || p.NormalizedEmail != p.Email?.ToUpperInvariant()).ToList();
        Assert.True(stale.Count == 0, $"normalised identifiers out of step: {string.Join(", ", stale)}\n{context}");
    }

    private async Task AssertSignsInByCurrentIdentifiersOnlyAsync(Snapshot was, Snapshot now, List<Snapshot> everyone, string context)
    {
        using var browser = Server.NewClient();
        foreach (var identifier in new[] { now.UserName, now.Email }.OfType<string>())
            Assert.True((await browser.SignInAsync(identifier, Password)).Status == HttpStatusCode.Redirect, $"{identifier} does not sign in\n{context}");
        foreach (var old in new[] { was.UserName, was.Email }.OfType<string>())
        {
            // An old name someone holds now (the person, in another case, or another person) signs that one in.
            if (everyone.Any(p => string.Equals(p.UserName, old, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Email, old, StringComparison.OrdinalIgnoreCase)))
                continue;
            using var other = Server.NewClient();
            Assert.True((await other.SignInAsync(old, Password)).Status != HttpStatusCode.Redirect, $"the old identifier {old} still signs in\n{context}");
        }
    }

    private async Task AssertLdapListsTheCurrentUsernamesAsync(User reader, List<Snapshot> everyone, string context)
    {
        var expected = everyone.Where(p => p.UserName is not null).Select(p => p.UserName!.ToLowerInvariant()).Order().ToList();
        // Changes another process (the CLI) made reach the directory within a second; this one's at once.
        await Eventually.GetAsync(async () =>
        {
            var (exit, entries) = await LdapTools.SearchAsync(Server, LdapTools.UserDn(reader.UserName!), Password, $"ou=people,{LdapTools.BaseDn}", "one", "(objectClass=inetOrgPerson)", ["uid"]);
            Assert.True(exit == 0, $"ldapsearch answered {exit}\n{context}");
            var listed = entries.SelectMany(e => e.Values("uid")).Select(u => u.ToLowerInvariant()).Order().ToList();
            return listed.SequenceEqual(expected) ? "" : null;
        }, $"LDAP to list {string.Join(", ", expected)}\n{context}", TimeSpan.FromSeconds(5));
    }

    /// <summary>What the ID token and userinfo would say for everyone: through the same directory the OIDC endpoints read.</summary>
    private async Task AssertEachPreferredUsernameHasOneSubjectAsync(string clientId, List<Snapshot> everyone, string context)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IUserDirectory>();
        var client = (await scope.ServiceProvider.GetRequiredService<IClientStore>().FindAsync(clientId, CancellationToken.None))!;
        var usable = 0;
        var subjects = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in everyone)
        {
            var seen = await directory.FindUsableAsync(person.Id.ToString(), client, CancellationToken.None);
            if (seen is null)
                continue;
            usable++;
            Assert.True(subjects.TryAdd(seen.Username, seen.Subject),
                $"preferred_username {seen.Username} names {subjects.GetValueOrDefault(seen.Username)} and {seen.Subject}\n{context}");
            Assert.True(seen.Username == (person.UserName ?? person.Email), $"{seen.Subject} is {seen.Username} to apps but {person.UserName} here\n{context}");
        }
        Assert.True(usable == everyone.Count, $"only {usable} of {everyone.Count} people may use an app open to everyone\n{context}");
    }
}

public sealed class IdentifierInvariantsOnSqlite(SqliteRoster fixture) : IdentifierInvariantTests(fixture, steps: 2000), IClassFixture<SqliteRoster>;

/// <summary>A quarter of the run on PostgreSQL: the invariants are the database's unique indexes and the same code; the suite stays short.</summary>
public sealed class IdentifierInvariantsOnPostgres(PostgresRoster fixture) : IdentifierInvariantTests(fixture, steps: 500), IClassFixture<PostgresRoster>;
