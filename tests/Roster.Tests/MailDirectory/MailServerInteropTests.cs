using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.MailDirectory;
using Roster.Tests.Infrastructure;
using Roster.Tests.Ldap;
using Roster.Users;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.MailDirectory;

/// <summary>
/// Debian's Postfix (postmap with postfix-ldap) and Dovecot reading Roster's mail directory with README's
/// configuration (docs/ldap/postfix-mail-*.cf, dovecot-mailboxes*.conf.ext), each with a private configuration in a
/// temporary folder. Every test has a mail domain of its own, so they share one server without meeting.
/// </summary>
public sealed class MailServerInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>, IDisposable
{
    private const string Password = "a long test password";
    private readonly TempDirectory folder = new();
    private readonly string domain = NewName("m") + ".test";
    private RosterServer Server => fixture.Server;

    public void Dispose() => folder.Dispose();

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static T Ok<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new Xunit.Sdk.XunitException(string.Join(" ", result.Errors.Select(e => e.Message)));

    private Task<MailDomain> DomainAsync() => Server.WithAsync(async s => Ok(await s.GetRequiredService<MailDomains>().AddAsync(Actor.Operator, domain)));

    private Task<Mailbox> MailboxAsync(string localPart, User? person = null, Group? group = null, params string[] aliases) => Server.WithAsync(async s =>
        Ok(await s.GetRequiredService<Mailboxes>().CreateAsync(Actor.Operator, $"{localPart}@{domain}", person?.UserName, group?.Name, aliases.Select(a => $"{a}@{domain}").ToList())));

    private Task<Group> GroupAsync(params User[] members) => Server.WithAsync(async s =>
    {
        var groups = s.GetRequiredService<GroupChanges>();
        var group = Ok(await groups.CreateAsync(Actor.Operator, NewName("staff"), ""));
        if (members.Length > 0)
            Ok(await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!)));
        return group;
    });

    private Task<(string ClientId, string Password)> MailServerAsync() => Server.WithAsync(async s =>
    {
        var app = Ok(await s.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings(NewName("Mail"), "https://mail.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, [])));
        return (app.ClientId, Ok(await s.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)));
    });

    private async Task DisableAsync(User user) =>
        Ok(await Server.WithAsync(s => s.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false)));

    private string Table(string snippet, (string ClientId, string Password) account)
    {
        var path = Path.Combine(folder.Path, snippet);
        File.WriteAllText(path, ConfigSnippet.Read(snippet, new Dictionary<string, string>
        {
            ["ldap://<roster host>:3890"] = Url(Server),
            ["<client id>"] = account.ClientId,
            ["<service account password>"] = account.Password,
        }));
        return path;
    }

    /// <summary>`postmap -q key ldap:table`: the value found, or null when the key is not in the table; a failed lookup fails the test.</summary>
    private async Task<string?> LookUpAsync(string key, string table)
    {
        File.WriteAllText(Path.Combine(folder.Path, "main.cf"), "");
        var (exit, output, errors) = await RunAsync("postmap", "-c", folder.Path, "-q", key, $"ldap:{table}");
        Assert.True(exit is 0 or 1 && !errors.Contains("fatal:") && !errors.Contains("warning:"), $"postmap -q {key} failed ({exit}): {errors}");
        return exit == 0 ? output.Trim() : null;
    }

    private static string[] Members(string? value) => [.. (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order()];

    [Fact]
    public void ReadmeShowsTheMailServerConfigurationAsTested()
    {
        foreach (var snippet in new[] { "postfix-mail-domains.cf", "postfix-mail-mailboxes.cf", "postfix-mail-aliases.cf", "postfix-mail-lists.cf",
                     "dovecot-mailboxes.conf.ext", "dovecot-mailboxes-auth.conf.ext" })
            ConfigSnippet.AssertReadmeShows(snippet);
    }

    [Fact]
    public async Task PostfixResolvesDomainsMailboxesAliasesAndListsAndRefusesUnknownAndDisabledAddresses()
    {
        await DomainAsync();
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var carol = await Server.CreateUserAsync(NewName("carol"), Password);
        var aliceBox = await MailboxAsync("Alice", alice, null, "info", "hello");
        var bobBox = await MailboxAsync("bob", bob);
        var staff = await GroupAsync(bob, carol);
        var shared = await MailboxAsync("office", group: staff);
        var list = Ok(await Server.WithAsync(s => s.GetRequiredService<MailingLists>().CreateAsync(Actor.Operator, $"team@{domain}", "The team", false,
            ListMembers.From([alice.UserName!], [staff.Name], ["friend@elsewhere.example"]))));
        var account = await MailServerAsync();
        var (domains, mailboxes, aliases, lists) = (Table("postfix-mail-domains.cf", account), Table("postfix-mail-mailboxes.cf", account),
            Table("postfix-mail-aliases.cf", account), Table("postfix-mail-lists.cf", account));

        Assert.Equal(domain, await LookUpAsync(domain, domains));
        Assert.Null(await LookUpAsync("example.net", domains));
        // A mailbox answers with its folder, named by its id; addresses ignore case.
        Assert.Equal($"{aliceBox.Id}/", await LookUpAsync($"alice@{domain}", mailboxes));
        Assert.Equal($"{aliceBox.Id}/", await LookUpAsync($"ALICE@{domain.ToUpperInvariant()}", mailboxes));
        Assert.Equal($"{shared.Id}/", await LookUpAsync($"office@{domain}", mailboxes));
        Assert.Null(await LookUpAsync($"info@{domain}", mailboxes));
        Assert.Null(await LookUpAsync($"nobody@{domain}", mailboxes));
        // An alias delivers to its mailbox.
        Assert.Equal($"Alice@{domain}", await LookUpAsync($"info@{domain}", aliases));
        Assert.Equal($"Alice@{domain}", await LookUpAsync($"hello@{domain}", aliases));
        Assert.Null(await LookUpAsync($"nobody@{domain}", aliases));
        // A list: alice's mailbox, the group's members (bob's mailbox; carol, who has none, at her sign-in email), the outsider.
        Assert.Equal([$"Alice@{domain}", $"bob@{domain}", carol.Email!, "friend@elsewhere.example"], Members(await LookUpAsync($"team@{domain}", lists)));
        Assert.Null(await LookUpAsync($"team@{domain}", mailboxes));

        // A disabled person: no mailbox, and off the list. A disabled mailbox: neither it nor its aliases.
        await DisableAsync(bob);
        Ok(await Server.WithAsync(s => s.GetRequiredService<Mailboxes>().UpdateAsync(Actor.Operator, aliceBox.Id, null, false)));
        Assert.Null(await LookUpAsync($"bob@{domain}", mailboxes));
        Assert.Null(await LookUpAsync($"alice@{domain}", mailboxes));
        Assert.Null(await LookUpAsync($"info@{domain}", aliases));
        // Alice's only mailbox is off, so the list reaches her at her sign-in email.
        Assert.Equal(new[] { alice.Email!, carol.Email!, "friend@elsewhere.example" }.Order(), Members(await LookUpAsync($"team@{domain}", lists)));
        Assert.Equal(bobBox.Id, (await Server.QueryAsync(db => db.Mailboxes.SingleAsync(m => m.Id == bobBox.Id))).Id);
        Assert.Equal(list.Id, (await Server.QueryAsync(db => db.MailingLists.SingleAsync(l => l.Address == $"team@{domain}"))).Id);
    }

    [Fact]
    public async Task AChangeOnTheDashboardShowsInTheNextLookup()
    {
        await DomainAsync();
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var dave = await Server.CreateUserAsync(NewName("dave"), Password);
        var aliceBox = await MailboxAsync("alice", alice);
        var staff = await GroupAsync(alice);
        var list = Ok(await Server.WithAsync(s => s.GetRequiredService<MailingLists>().CreateAsync(Actor.Operator, $"all@{domain}", "", false,
            ListMembers.From([], [staff.Name], []))));
        var account = await MailServerAsync();
        var (aliases, lists) = (Table("postfix-mail-aliases.cf", account), Table("postfix-mail-lists.cf", account));
        Assert.Null(await LookUpAsync($"sales@{domain}", aliases));
        Assert.Equal([$"alice@{domain}"], Members(await LookUpAsync($"all@{domain}", lists)));
        var (_, dashboard) = await Server.SignedInAsync(Role.MailManager);

        await dashboard.SubmitAsync($"/mail/mailbox/{aliceBox.Id}", $"/mail/mailbox/{aliceBox.Id}?handler=AddAlias",
            new Dictionary<string, string> { ["Alias"] = $"sales@{domain}" }, expect: System.Net.HttpStatusCode.Redirect);
        await dashboard.SubmitAsync($"/group/{staff.Id}", $"/group/{staff.Id}?handler=Add",
            new Dictionary<string, string> { ["Add"] = dave.UserName! }, expect: System.Net.HttpStatusCode.Redirect);

        Assert.Equal($"alice@{domain}", await LookUpAsync($"sales@{domain}", aliases));
        Assert.Equal([$"alice@{domain}", dave.Email!], Members(await LookUpAsync($"all@{domain}", lists)));
        Assert.NotEqual(Guid.Empty, list.Id);
    }

    [Fact]
    public async Task APersonLookedUpFromTheBaseIsStillOneEntryAndAnAppSeesOnlyItsPeoplesMailboxes()
    {
        await DomainAsync();
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var outsider = await Server.CreateUserAsync(NewName("outsider"), Password);
        // Her mailbox has her very sign-in address.
        Ok(await Server.WithAsync(s => s.GetRequiredService<UserChanges>().PatchAsync(Actor.Operator, alice.Id, new UserPatch(Email: $"{alice.UserName}@{domain}"))));
        await MailboxAsync(alice.UserName!, alice);
        await MailboxAsync(outsider.UserName!, outsider);
        var mailUsers = await GroupAsync(alice);
        var account = await Server.WithAsync(async s =>
        {
            var app = Ok(await s.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
                new AppSettings(NewName("Mail"), "https://mail.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [mailUsers.Id])));
            return (app.ClientId, Password: Ok(await s.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)));
        });
        var serviceDn = $"cn={account.ClientId},ou=apps,{BaseDn}";

        foreach (var filter in new[] { $"(mail={alice.UserName}@{domain})", $"(uid={alice.UserName})" })
            Assert.Equal([UserDn(alice.UserName!)], (await SearchAsync(Server, UserDn(alice.UserName!), Password, BaseDn, "sub", filter, ["1.1"])).Entries.Select(e => e.Dn));
        var seen = await SearchAsync(Server, serviceDn, account.Password, $"ou=mail,{BaseDn}", "one", $"(&(objectClass=rosterMailbox)(cn=*@{domain}))", ["cn", "owner"]);
        var mailbox = Assert.Single(seen.Entries);
        Assert.Equal([$"{alice.UserName}@{domain}"], mailbox.Values("cn"));
        Assert.Equal([UserDn(alice.UserName!)], mailbox.Values("owner"));
    }

    [Fact]
    public async Task DovecotSignsInWithTheMailboxAddressUntilItsPersonIsDisabled()
    {
        await DomainAsync();
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var aliceBox = await MailboxAsync("alice.smith", alice, null, "info");
        await MailboxAsync("shared", group: await GroupAsync(alice, bob));
        var (clientId, servicePassword) = await MailServerAsync();

        await using var dovecot = await Dovecot.StartWithMailboxesAsync(Url(Server), clientId, servicePassword);

        Assert.True(await dovecot.AuthTestAsync($"alice.smith@{domain}", Password));
        Assert.True(await dovecot.AuthTestAsync($"Alice.Smith@{domain}", Password));
        Assert.False(await dovecot.AuthTestAsync($"alice.smith@{domain}", "not her password"));
        // An alias is an address, not a login; a shared mailbox has no password of its own; no one has an unknown one.
        Assert.False(await dovecot.AuthTestAsync($"info@{domain}", Password));
        Assert.False(await dovecot.AuthTestAsync($"shared@{domain}", Password));
        Assert.False(await dovecot.AuthTestAsync($"nobody@{domain}", Password));
        // The user database: the mail home is named by the mailbox's id.
        Assert.Equal(Path.Combine(dovecot.MailHome, aliceBox.Id.ToString()), (await dovecot.UserAsync($"alice.smith@{domain}"))?["home"]);
        Assert.Null(await dovecot.UserAsync($"nobody@{domain}"));

        await DisableAsync(alice);
        Assert.False(await dovecot.AuthTestAsync($"alice.smith@{domain}", Password));
        Assert.Null(await dovecot.UserAsync($"alice.smith@{domain}"));
    }
}
