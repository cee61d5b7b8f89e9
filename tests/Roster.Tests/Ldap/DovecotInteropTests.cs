using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// A mail server checking passwords against Roster: Debian's Dovecot with README's configuration snippet
/// (docs/ldap), asked by <c>doveadm auth test</c>. People held to two-factor get in with app passwords and not with
/// their own password; others with their own; the mail app's access rule and app passwords limited to an app hold.
/// </summary>
public sealed class DovecotInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The mail app, open to one group's members, with its LDAP service account.</summary>
    private Task<(App App, string Password)> MailAppAsync(Group group) => Server.WithAsync(async services =>
    {
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings(NewName("Mail"), "https://mail.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var password = (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;
        return (app, password);
    });

    private Task<Group> GroupAsync(params User[] members) => Server.WithAsync(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, NewName("mail"), "Mail users")).Value!;
        Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        return group;
    });

    private Task<string> AppPasswordAsync(User user, string name, Guid? appId = null) => Server.WithAsync(async services =>
    {
        var stored = await services.GetRequiredService<Roster.Data.RosterDb>().Users.SingleAsync(u => u.Id == user.Id);
        var result = await services.GetRequiredService<AppPasswords>().CreateAsync(stored, name, appId);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Value!;
    });

    private Task TurnOnTwoFactorAsync(User user) =>
        Server.QueryAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));

    [Fact]
    public async Task DoveadmAcceptsAppPasswordsAndRefusesTheOwnPasswordOfSomeoneHeldToTwoFactor()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var carol = await Server.CreateUserAsync(NewName("carol"), Password);
        var (mail, servicePassword) = await MailAppAsync(await GroupAsync(alice, bob));
        var (other, _) = await MailAppAsync(await GroupAsync(alice));
        await TurnOnTwoFactorAsync(alice);
        var anyApp = await AppPasswordAsync(alice, "Phone");
        var mailOnly = await AppPasswordAsync(alice, "Laptop mail", mail.Id);
        var otherOnly = await AppPasswordAsync(alice, "Other", other.Id);
        var carolsAppPassword = await AppPasswordAsync(carol, "Phone");

        await using var dovecot = await Dovecot.StartAsync(Url(Server), mail.ClientId, servicePassword);

        // The security setting is on for a new install: alice's own password is refused, her app passwords work.
        Assert.True(await dovecot.AuthTestAsync(alice.UserName!, anyApp));
        Assert.True(await dovecot.AuthTestAsync(alice.UserName!, mailOnly.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal)));
        Assert.False(await dovecot.AuthTestAsync(alice.UserName!, Password));
        // Limited to another app: the mail server's connection is not that app's.
        Assert.False(await dovecot.AuthTestAsync(alice.UserName!, otherOnly));
        // Not held to two-factor: bob's own password works.
        Assert.True(await dovecot.AuthTestAsync(bob.UserName!, Password));
        Assert.False(await dovecot.AuthTestAsync(bob.UserName!, anyApp));
        // The mail app's access rule: carol is not in its group, so its service account never finds her.
        Assert.False(await dovecot.AuthTestAsync(carol.UserName!, Password));
        Assert.False(await dovecot.AuthTestAsync(carol.UserName!, carolsAppPassword));

        var used = await Server.QueryAsync(db => db.AppPasswords.Where(p => p.UserId == alice.Id).ToDictionaryAsync(p => p.Name, p => p.LastUsedAt));
        Assert.NotNull(used["Phone"]);
        Assert.NotNull(used["Laptop mail"]);
        Assert.Null(used["Other"]);
    }

    [Fact]
    public void ReadmeShowsTheDovecotSnippetsThisTestUses()
    {
        ConfigSnippet.AssertReadmeShows("dovecot-ldap.conf.ext");
        ConfigSnippet.AssertReadmeShows("dovecot-passdb.conf.ext");
    }
}
