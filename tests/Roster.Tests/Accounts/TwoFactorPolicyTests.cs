using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Groups;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>The policy that requires two-factor for chosen groups: members without it are kept on the set-up page until they have set it up.</summary>
public abstract class TwoFactorPolicyTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task MembersOfARequiredGroupMustSetUpTwoFactorBeforeAnythingElseAndOthersAreNotAsked()
    {
        var member = await Server.CreateUserAsync("req" + Guid.NewGuid().ToString("N")[..8], Password);
        var other = await Server.CreateUserAsync("free" + Guid.NewGuid().ToString("N")[..8], Password);
        Guid group;
        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var groups = scope.ServiceProvider.GetRequiredService<GroupChanges>();
            group = (await groups.CreateAsync(Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..8], "")).Value!.Id;
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group, [member.UserName!])).Succeeded);
        }
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var saved = await admin.SubmitAsync("/settings/security", new Dictionary<string, string> { ["RequiredForAdmins"] = "false", ["Groups"] = group.ToString() });
        Assert.Equal("/settings/security?done=saved", saved.Location);

        using var browser = Server.NewClient();
        Assert.Equal("/account/two-factor", (await browser.SignInAsync(member.UserName!, Password)).Location);
        Assert.Equal("/account/two-factor", (await browser.GetAsync("/users", expect: HttpStatusCode.Redirect)).Location);
        var setUp = await browser.GetAsync("/account/two-factor");
        Assert.Contains("requires two-factor authentication", setUp.Notice);
        var refused = await browser.SubmitAsync("/account/two-factor", "/account/two-factor?handler=TurnOff", new Dictionary<string, string> { ["Password"] = Password });
        Assert.Equal(HttpStatusCode.OK, refused.Status);

        await browser.SubmitAsync("/account/two-factor", "/account/two-factor?handler=Start", new Dictionary<string, string>());
        var pending = await browser.GetAsync("/account/two-factor");
        // The key as the page shows it, in base32, read back the way an authenticator app would.
        var key = Authenticator.KeyFromBase32(pending.Document.QuerySelector("#manual-key")!.TextContent);
        var confirmed = await browser.SubmitAsync("/account/two-factor", "/account/two-factor?handler=Confirm",
            new Dictionary<string, string> { ["Code"] = Authenticator.CodeNow(key, Server) });
        Assert.Contains("Two-factor authentication is on.", confirmed.Notice);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/users")).Status);

        using var free = Server.NewClient();
        Assert.Equal("/", (await free.SignInAsync(other.UserName!, Password)).Location);
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "settings.changed")));
    }
}

public sealed class SqliteTwoFactorPolicyTests(SqliteRoster fixture) : TwoFactorPolicyTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresTwoFactorPolicyTests(PostgresRoster fixture) : TwoFactorPolicyTests(fixture), IClassFixture<PostgresRoster>;
