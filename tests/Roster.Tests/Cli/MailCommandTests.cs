using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>One migrated SQLite database with the mail domain example.org, the group ops and the people ada and bob.</summary>
public sealed class MailCliFolder : IAsyncLifetime
{
    private readonly TempDirectory folder = new();
    private readonly Dictionary<string, string?> environment = new() { ["Roster__Accounts__PasswordIterations"] = "1000" };

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RosterProcess.RunAsync(folder.Path, environment, args);

    public async Task InitializeAsync()
    {
        Assert.Equal(0, (await RunAsync("migrate")).ExitCode);
        Assert.Equal(0, (await RunAsync("mail", "domain", "add", "Example.org")).ExitCode);
        Assert.Equal(0, (await RunAsync("group", "create", "ops")).ExitCode);
        await AddPersonAsync("ada");
        await AddPersonAsync("bob");
    }

    public async Task AddPersonAsync(string username) =>
        Assert.Equal(0, (await RunAsync("user", "create", "--email", $"{username}@example.org", "--username", username, "--name", $"{username} Test",
            "--password", "a long test password")).ExitCode);

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// `roster mail …` and `roster user delete` of someone with a mailbox, through the real executable. The tests share one
/// database (a process start costs a second or two), so each uses addresses of its own.
/// </summary>
public sealed class MailCommandTests(MailCliFolder roster) : IClassFixture<MailCliFolder>
{
    [Fact]
    public async Task AnOperatorManagesAMailboxWithAnAliasAndAListOfAPersonAGroupAndAnOutsideAddress()
    {
        var domains = Json(await roster.RunAsync("mail", "domain", "list", "--json"));
        Assert.Equal("example.org", domains.EnumerateArray().Single().GetProperty("name").GetString());

        var created = await roster.RunAsync("mail", "mailbox", "create", "Ada.Lovelace@example.org", "--person", "ada", "--alias", "countess@Example.ORG");
        Assert.Equal(0, created.ExitCode);
        var id = System.Text.RegularExpressions.Regex.Match(created.Stdout, @"^Id: ([0-9a-f-]{36})\s*$").Groups[1].Value;
        var mailbox = Json(await roster.RunAsync("mail", "mailbox", "show", "ADA.LOVELACE@EXAMPLE.ORG", "--json"));
        Assert.Equal(id, mailbox.GetProperty("id").GetString());
        Assert.Equal("Ada.Lovelace@example.org", mailbox.GetProperty("address").GetString());
        Assert.Equal(["countess@example.org"], mailbox.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(("person", "ada Test (ada)", true), (mailbox.GetProperty("ownerKind").GetString(), mailbox.GetProperty("ownerName").GetString(), mailbox.GetProperty("published").GetBoolean()));

        var disabled = await roster.RunAsync("mail", "mailbox", "update", id, "--disable");
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("Published: no", disabled.Stdout);

        Assert.Equal(0, (await roster.RunAsync("mail", "list", "create", "team@example.org", "--description", "The team", "--members-only",
            "--person", "ada", "--group", "ops", "--address", "Friend@Other.net")).ExitCode);
        var list = Json(await roster.RunAsync("mail", "list", "show", "Team@example.org", "--json"));
        Assert.True(list.GetProperty("membersOnly").GetBoolean());
        Assert.Equal(["address friend@other.net", "group ops", "person ada Test"],
            list.GetProperty("members").EnumerateArray().Select(m => $"{m.GetProperty("kind").GetString()} {m.GetProperty("name").GetString()}"));

        var removed = await roster.RunAsync("mail", "list", "remove", "team@example.org", "OPS");
        Assert.Equal(0, removed.ExitCode);
        Assert.DoesNotContain("Member: group ops", removed.Stdout);
        var lists = Json(await roster.RunAsync("mail", "list", "--json"));
        Assert.Equal(2, lists.EnumerateArray().Single(l => l.GetProperty("address").GetString() == "team@example.org").GetProperty("members").GetInt32());

        Assert.Equal(0, (await roster.RunAsync("mail", "list", "delete", "team@example.org", "--yes")).ExitCode);
        Assert.Equal(0, (await roster.RunAsync("mail", "mailbox", "delete", "ada.lovelace@example.org", "--yes")).ExitCode);
        var left = await roster.RunAsync("mail", "mailbox", "list");
        Assert.DoesNotContain("lovelace", left.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("team@", (await roster.RunAsync("mail", "list")).Stdout);
    }

    [Fact]
    public async Task BadInputIsRefusedWithOneLineAndExitOneAndNothingIsStored()
    {
        Assert.Equal(0, (await roster.RunAsync("mail", "mailbox", "create", "bob.b@example.org", "--person", "bob", "--alias", "builder@example.org")).ExitCode);
        Assert.Equal(0, (await roster.RunAsync("mail", "list", "create", "crew@example.org")).ExitCode);

        var refusals = new (string Expected, string[] Args)[]
        {
            ("elsewhere.org is not a mail domain of Roster; addresses can be in example.org.", ["mail", "mailbox", "create", "bob@elsewhere.org", "--person", "bob"]),
            ("BUILDER@example.org is already an alias of the mailbox bob.b@example.org (addresses ignore case).", ["mail", "mailbox", "create", "BUILDER@example.org", "--group", "ops"]),
            ("Crew@example.org is already the mailing list crew@example.org", ["mail", "mailbox", "alias", "add", "bob.b@example.org", "Crew@example.org"]),
            ("Bob.B@example.org is already the mailbox bob.b@example.org", ["mail", "list", "create", "Bob.B@example.org", "--person", "ada"]),
            ("\"bob..b\" cannot be the part before the @", ["mail", "mailbox", "create", "bob..b@example.org", "--person", "bob"]),
            ("No account matches ghost (a username, email or id).", ["mail", "mailbox", "create", "ghost@example.org", "--person", "ghost"]),
            ("loop@example.org cannot be a member of itself", ["mail", "list", "create", "loop@example.org", "--person", "ada", "--address", "LOOP@example.org"]),
            ("crew@example.org cannot be a member of itself", ["mail", "list", "add", "crew@example.org", "--person", "ada", "--address", "Crew@Example.org"]),
            ("There is no mailbox \"nobody@example.org\".", ["mail", "mailbox", "alias", "add", "nobody@example.org", "nobody2@example.org"]),
            ("builder@example.org is not a mailbox: it is an alias of the mailbox bob.b@example.org.", ["mail", "mailbox", "delete", "builder@example.org", "--yes"]),
            ("example.org still has", ["mail", "domain", "remove", "example.org", "--yes"]),
        };
        foreach (var (expected, args) in refusals)
        {
            var (exitCode, stdout, stderr) = await roster.RunAsync(args);
            Assert.True((exitCode, stdout, stderr.TrimEnd().Split('\n').Length) == (1, "", 1), $"roster {string.Join(' ', args)}: {exitCode}\n{stdout}{stderr}");
            Assert.StartsWith("roster: ", stderr);
            Assert.Contains(expected, stderr);
        }

        foreach (var args in new[] { new[] { "mail", "mailbox", "delete", "bob.b@example.org" }, ["mail", "list", "delete", "crew@example.org"] })
        {
            var (exitCode, _, stderr) = await roster.RunAsync(args);
            Assert.Equal((2, 1), (exitCode, stderr.TrimEnd().Split('\n').Length));
            Assert.Contains("needs --yes", stderr);
        }

        var mailboxes = Json(await roster.RunAsync("mail", "mailbox", "--json")).EnumerateArray().ToList();
        var bob = Assert.Single(mailboxes, m => m.GetProperty("address").GetString() == "bob.b@example.org");
        Assert.Equal(["builder@example.org"], bob.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain(mailboxes, m => m.GetProperty("address").GetString() is "bob@elsewhere.org" or "BUILDER@example.org" or "bob..b@example.org" or "ghost@example.org");
        var lists = Json(await roster.RunAsync("mail", "list", "--json")).EnumerateArray().ToList();
        Assert.DoesNotContain(lists, l => l.GetProperty("address").GetString() is "Bob.B@example.org" or "loop@example.org");
        Assert.Equal(0, lists.Single(l => l.GetProperty("address").GetString() == "crew@example.org").GetProperty("members").GetInt32());
        Assert.Contains("\texample.org\t", (await roster.RunAsync("mail", "domain")).Stdout);
    }

    [Fact]
    public async Task DeletingSomeoneWhoOwnsAMailboxNeedsAChoiceAndHandingOverGivesItToTheOtherPerson()
    {
        await roster.AddPersonAsync("carol");
        await roster.AddPersonAsync("dave");
        // carol's mailbox has her sign-in email: it may still go to dave, as carol's account goes with the deletion.
        Assert.Equal(0, (await roster.RunAsync("mail", "mailbox", "create", "carol@example.org", "--person", "carol", "--alias", "c@example.org")).ExitCode);
        Assert.Equal(0, (await roster.RunAsync("mail", "mailbox", "create", "dave@example.org", "--person", "dave")).ExitCode);

        foreach (var (expected, args) in new (string, string[])[]
        {
            ("carol Test owns the mailbox carol@example.org: choose whether", ["user", "delete", "carol", "--yes"]),
            ("No account matches ghost", ["user", "delete", "carol", "--yes", "--hand-mailboxes-to", "ghost"]),
            ("Hand the mailboxes of carol Test over to someone who stays.", ["user", "delete", "carol", "--yes", "--hand-mailboxes-to", "carol@example.org"]),
        })
        {
            var (exitCode, _, stderr) = await roster.RunAsync(args);
            Assert.Equal((1, 1), (exitCode, stderr.TrimEnd().Split('\n').Length));
            Assert.Contains(expected, stderr);
        }
        Assert.Contains("carol Test (carol)", (await roster.RunAsync("mail", "mailbox", "show", "carol@example.org")).Stdout);

        Assert.Equal(0, (await roster.RunAsync("user", "delete", "carol", "--yes", "--hand-mailboxes-to", "dave")).ExitCode);
        var handed = Json(await roster.RunAsync("mail", "mailbox", "show", "carol@example.org", "--json"));
        Assert.Equal(("person", "dave Test (dave)"), (handed.GetProperty("ownerKind").GetString(), handed.GetProperty("ownerName").GetString()));
        Assert.Equal(["c@example.org"], handed.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        Assert.Equal(0, (await roster.RunAsync("user", "delete", "dave", "--yes", "--delete-mailboxes")).ExitCode);
        var users = (await roster.RunAsync("user", "list")).Stdout;
        Assert.DoesNotContain("carol@", users);
        Assert.DoesNotContain("dave@", users);
        var mailboxes = (await roster.RunAsync("mail", "mailbox")).Stdout;
        Assert.DoesNotContain("carol@", mailboxes);
        Assert.DoesNotContain("dave@", mailboxes);
    }

    private static JsonElement Json((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement;
    }
}
