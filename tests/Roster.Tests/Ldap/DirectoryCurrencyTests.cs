using System.Diagnostics;
using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// What the command line changes reaches a running server's LDAP directory within a second: the CLI is another
/// process writing to the same database, as an operator runs it beside the server.
/// </summary>
public abstract partial class DirectoryCurrencyTests(string provider) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    private TestDatabase database = null!;
    private RosterServer server = null!;
    private readonly TempDirectory folder = new();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        server = await RosterServer.StartAsync(database);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await database.DisposeAsync();
        folder.Dispose();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) =>
        RosterProcess.RunAsync(folder.Path, new Dictionary<string, string?>
        {
            ["Roster__Database__Provider"] = database.Provider,
            ["Roster__Database__ConnectionString"] = database.ConnectionString,
            ["Roster__DataDirectory"] = server.DataPath,
            ["Roster__PublicUrl"] = "https://id.example.org",
            ["Roster__Accounts__PasswordIterations"] = "1000",
        }, args);

    private async Task<string> SucceedAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await CliAsync(args);
        Assert.True(exit == 0, $"roster {string.Join(' ', args)}: {stderr}");
        return stdout;
    }

    private Task<int> WhoAmIAsync(string dn, string password) =>
        LdapTools.RunAsync("ldapwhoami", "-x", "-H", LdapTools.Url(server), "-D", dn, "-w", password).ContinueWith(t => t.Result.ExitCode);

    /// <summary>
    /// How long after <paramref name="since"/> the first attempt began that saw <paramref name="holds"/>; the time an
    /// attempt itself takes (starting a client process) is not counted against the server.
    /// </summary>
    private static async Task<TimeSpan> SeenAfterAsync(Stopwatch since, Func<Task<bool>> holds)
    {
        while (true)
        {
            var began = since.Elapsed;
            if (await holds())
                return began;
            if (since.Elapsed > TimeSpan.FromSeconds(10))
                throw new TimeoutException("The change never reached the directory.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AServicePasswordRotatedByTheCliBindsAndTheOldOneIsRefusedWithinASecond()
    {
        await SucceedAsync("app", "create", "--name", "Mail", "--url", "https://mail.example.org");
        var first = BindCredentials().Match(await SucceedAsync("app", "ldap-password", "Mail"));
        var dn = first.Groups["dn"].Value;
        var old = first.Groups["password"].Value;
        var shownWithin = await SeenAfterAsync(Stopwatch.StartNew(), async () => await WhoAmIAsync(dn, old) == 0);
        Assert.True(shownWithin < Within, $"a new service account bound after {shownWithin}");

        var rotated = BindCredentials().Match(await SucceedAsync("app", "ldap-password", "Mail")).Groups["password"].Value;
        var rotatedAt = Stopwatch.StartNew();
        var newBindsAfter = await SeenAfterAsync(rotatedAt, async () => await WhoAmIAsync(dn, rotated) == 0);

        Assert.True(newBindsAfter < Within, $"the new password bound after {newBindsAfter}");
        Assert.Equal(49, await WhoAmIAsync(dn, old));
    }

    [Fact]
    public async Task APersonDisabledByTheCliLeavesSearchesWithinASecondAndComesBackWhenEnabled()
    {
        await server.CreateUserAsync("alice", "a long test password");
        await server.CreateUserAsync("bob", "another long password");
        Assert.True(await ListedAsync("bob"));

        await SucceedAsync("user", "disable", "bob");
        var gone = await SeenAfterAsync(Stopwatch.StartNew(), async () => !await ListedAsync("bob"));
        Assert.True(gone < Within, $"bob was still listed after {gone}");

        await SucceedAsync("user", "enable", "bob");
        var back = await SeenAfterAsync(Stopwatch.StartNew(), () => ListedAsync("bob"));
        Assert.True(back < Within, $"bob came back after {back}");
        Assert.Equal(0, await WhoAmIAsync(LdapTools.UserDn("bob"), "another long password"));
    }

    [Fact]
    public async Task PeopleGroupsAndMembershipsMadeByTheCliAreFoundWithinASecondAlsoByTheirOwnBind()
    {
        await server.CreateUserAsync("alice", "a long test password");
        Assert.False(await ListedAsync("carol"));

        var password = CreatedPassword().Match(await SucceedAsync("user", "create", "--email", "carol@example.org", "--username", "carol", "--name", "Carol Shaw")).Groups[1].Value;
        await SucceedAsync("group", "create", "ops");
        await SucceedAsync("group", "add-member", "ops", "carol");
        var madeAt = Stopwatch.StartNew();

        var seen = await SeenAfterAsync(madeAt, async () =>
            (await LdapTools.SearchAsync(server, LdapTools.UserDn("alice"), "a long test password", LdapTools.BaseDn, "sub", "(|(uid=carol)(cn=ops))", ["memberOf", "member"])).Entries is var found
            && found.Any(e => e.Values("memberOf").Contains($"cn=ops,ou=groups,{LdapTools.BaseDn}"))
            && found.Any(e => e.Values("member").Contains(LdapTools.UserDn("carol"))));
        Assert.True(seen < Within, $"carol and ops showed after {seen}");
        var own = await LdapTools.SearchAsync(server, LdapTools.UserDn("carol"), password, LdapTools.UserDn("carol"), "base", "(objectClass=*)", ["mail"]);
        Assert.Equal(["carol@example.org"], own.Entries.Single().Values("mail"));

        await SucceedAsync("group", "remove-member", "ops", "carol");
        var left = await SeenAfterAsync(Stopwatch.StartNew(), async () =>
            (await LdapTools.SearchAsync(server, LdapTools.UserDn("alice"), "a long test password", LdapTools.BaseDn, "sub", "(uid=carol)", ["memberOf"])).Entries.Single().Values("memberOf").Count == 0);
        Assert.True(left < Within, $"carol was still a member after {left}");
    }

    [Fact]
    public async Task MailboxesAndAliasesMadeByTheCliAreFoundWithinASecondAndLeaveWhenDisabled()
    {
        await server.CreateUserAsync("alice", "a long test password");
        await server.CreateUserAsync("carol", "another long password");
        await SucceedAsync("mail", "domain", "add", "mail.example.org");
        await SucceedAsync("mail", "mailbox", "create", "carol@mail.example.org", "--person", "carol", "--alias", "help@mail.example.org");
        var madeAt = Stopwatch.StartNew();

        var seen = await SeenAfterAsync(madeAt, async () => await MailboxOfAsync("help@mail.example.org") == "carol@mail.example.org");
        Assert.True(seen < Within, $"the mailbox showed after {seen}");
        // A mail server binds as the mailbox with its person's password.
        Assert.Equal(0, await WhoAmIAsync($"cn=carol@mail.example.org,ou=mail,{LdapTools.BaseDn}", "another long password"));

        await SucceedAsync("mail", "mailbox", "update", "carol@mail.example.org", "--disable");
        var gone = await SeenAfterAsync(Stopwatch.StartNew(), async () => await MailboxOfAsync("help@mail.example.org") is null);
        Assert.True(gone < Within, $"the disabled mailbox was still published after {gone}");
        Assert.Equal(49, await WhoAmIAsync($"cn=carol@mail.example.org,ou=mail,{LdapTools.BaseDn}", "another long password"));
    }

    /// <summary>The address of the mailbox that <paramref name="address"/> delivers to, as alice sees ou=mail.</summary>
    private async Task<string?> MailboxOfAsync(string address) =>
        (await LdapTools.SearchAsync(server, LdapTools.UserDn("alice"), "a long test password", $"ou=mail,{LdapTools.BaseDn}", "one",
            $"(&(objectClass=rosterMailbox)(mailLocalAddress={address}))", ["mailRoutingAddress"])).Entries.SingleOrDefault()?.Values("mailRoutingAddress").Single();

    private async Task<bool> ListedAsync(string username) =>
        (await LdapTools.SearchAsync(server, LdapTools.UserDn("alice"), "a long test password", LdapTools.BaseDn, "sub", $"(uid={username})", ["uid"])).Entries.Count == 1;

    [GeneratedRegex(@"Bind DN: (?<dn>\S+)\s+Password: (?<password>\S+)")]
    private static partial Regex BindCredentials();

    [GeneratedRegex(@"Password: (\S+)")]
    private static partial Regex CreatedPassword();
}

public sealed class DirectoryCurrencyOnSqlite() : DirectoryCurrencyTests("Sqlite");

public sealed class DirectoryCurrencyOnPostgres() : DirectoryCurrencyTests("Postgres");
