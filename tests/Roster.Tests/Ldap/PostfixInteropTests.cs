using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Users;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// Debian's Postfix (postmap with postfix-ldap) looking addresses up in a running Roster with the README's tables
/// (docs/ldap/postfix-*.cf). postmap needs no Postfix daemon; it reads an empty main.cf from a temporary folder, so
/// nothing system-wide is used or changed.
/// </summary>
public sealed class PostfixInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>, IDisposable
{
    private const string Password = "a long test password";
    private readonly TempDirectory folder = new();
    private RosterServer Server => fixture.Server;

    public void Dispose() => folder.Dispose();

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<Group> GroupAsync(string name, params User[] members) => Server.WithAsync(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, name, "Test group")).Value!;
        if (members.Length > 0)
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        return group;
    });

    /// <summary>The mail server's app in Roster, open to everyone or to one group, with a new service account password.</summary>
    private Task<(string ClientId, string Password)> MailServerAsync(Group? onlyFor = null) => Server.WithAsync(async services =>
    {
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, new AppSettings(NewName("Mail"), "https://mail.example.org", "",
            DirectoryMode.UseRoster, onlyFor is null ? AppAccess.Everyone : AppAccess.Groups, onlyFor is null ? [] : [onlyFor.Id]))).Value!;
        var password = (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;
        return (app.ClientId, password);
    });

    private async Task DisableAsync(User user) =>
        Assert.True((await Server.WithAsync(services => services.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false))).Succeeded);

    /// <summary>The README's table with this server and service account filled in, as a file postmap reads.</summary>
    private string Table(string snippet, string clientId, string password)
    {
        var path = Path.Combine(folder.Path, snippet);
        File.WriteAllText(path, ConfigSnippet.Read(snippet, new Dictionary<string, string>
        {
            ["ldap://<roster host>:3890"] = Url(Server),
            ["<client id>"] = clientId,
            ["<service account password>"] = password,
        }));
        return path;
    }

    /// <summary>`postmap -q key ldap:table`: the value found, or null when the key is not in the table; a failed lookup fails the test.</summary>
    private async Task<string?> LookUpAsync(string key, string table)
    {
        var (exit, output, errors) = await RunAsync("postmap", "-c", WithEmptyMainCf(), "-q", key, $"ldap:{table}");
        Assert.True(exit is 0 or 1 && !errors.Contains("fatal:") && !errors.Contains("warning:"), $"postmap -q {key} failed ({exit}): {errors}");
        return exit == 0 ? output.Trim() : null;
    }

    [Fact]
    public void ReadmeShowsTheTablesAsTested()
    {
        ConfigSnippet.AssertReadmeShows("postfix-mailboxes.cf");
        ConfigSnippet.AssertReadmeShows("postfix-group-aliases.cf");
    }

    [Fact]
    public async Task AnEnabledPersonsAddressHasAMailboxUntilThePersonIsDisabled()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var (clientId, password) = await MailServerAsync();
        var table = Table("postfix-mailboxes.cf", clientId, password);

        Assert.Equal(alice.UserName, await LookUpAsync(alice.Email!, table));
        Assert.Equal(alice.UserName, await LookUpAsync(alice.Email!.ToUpperInvariant(), table));
        Assert.Null(await LookUpAsync("nobody-" + alice.Email, table));
        await DisableAsync(alice);
        Assert.Null(await LookUpAsync(alice.Email, table));
    }

    [Fact]
    public async Task APersonTheMailServerMayNotServeHasNoMailbox()
    {
        var member = await Server.CreateUserAsync(NewName("member"), Password);
        var outsider = await Server.CreateUserAsync(NewName("outsider"), Password);
        var (clientId, password) = await MailServerAsync(onlyFor: await GroupAsync(NewName("mail"), member));
        var table = Table("postfix-mailboxes.cf", clientId, password);

        Assert.Equal(member.UserName, await LookUpAsync(member.Email!, table));
        Assert.Null(await LookUpAsync(outsider.Email!, table));
    }

    [Fact]
    public async Task AGroupsAddressReachesItsEnabledMembersAndAnEmptyGroupReachesNobody()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var gone = await Server.CreateUserAsync(NewName("gone"), Password);
        var staff = await GroupAsync(NewName("staff"), alice, bob, gone);
        var empty = await GroupAsync(NewName("empty"));
        await DisableAsync(gone);
        var (clientId, password) = await MailServerAsync();
        var table = Table("postfix-group-aliases.cf", clientId, password);

        var members = await LookUpAsync($"{staff.Name}@example.org", table);

        Assert.Equal([alice.Email!, bob.Email!], members?.Split(',').Order());
        Assert.Null(await LookUpAsync($"{empty.Name}@example.org", table));
        // Only the domain the table serves is looked up at all.
        Assert.Null(await LookUpAsync($"{staff.Name}@example.net", table));
    }

    [Fact]
    public async Task AWrongServicePasswordFailsTheLookupInsteadOfFindingNothing()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var (clientId, _) = await MailServerAsync();
        var table = Table("postfix-mailboxes.cf", clientId, "not the password");

        var (exit, output, errors) = await RunAsync("postmap", "-c", WithEmptyMainCf(), "-q", alice.Email!, $"ldap:{table}");

        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains("Invalid credentials", errors);
    }

    // postmap reads main.cf from the folder given with -c: an empty one leaves the system's Postfix configuration alone.
    private string WithEmptyMainCf()
    {
        File.WriteAllText(Path.Combine(folder.Path, "main.cf"), "");
        return folder.Path;
    }
}
