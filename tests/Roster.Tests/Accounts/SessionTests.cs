using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;

namespace Roster.Tests.Accounts;

/// <summary>Dashboard sessions on /account: listed, ended one by one or all but this one, and by an admin; the apps of an ended session are told.</summary>
public abstract class SessionTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    /// <summary>Signed in, /account shows; signed out, it sends the browser to the login page. Anything else fails the test.</summary>
    private static async Task<bool> IsSignedInAsync(FormClient browser) =>
        (await browser.GetAsync("/account", expect: Expect.OneOf(HttpStatusCode.OK, HttpStatusCode.Redirect))).Status == HttpStatusCode.OK;

    [Fact]
    public async Task APersonEndsAnotherOfTheirSessionsAndTheAppSignedInThroughItIsTold()
    {
        await using var receiver = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(Server, "Board", backChannelLogoutUri: receiver.Url);
        var (user, here) = await Server.SignedInAsync(Role.User);
        using var there = Server.NewClient();
        await there.SignInAsync(user.UserName!, Password);
        var (_, tokens, _) = await app.RedeemAsync(await app.CodeAsync(there));
        var thereSession = new JsonWebToken(tokens.GetProperty("id_token").GetString()).GetClaim("sid").Value;

        var account = await here.GetAsync("/account");
        var rows = account.Document.QuerySelectorAll("table[aria-label=Sessions] tbody tr");
        Assert.Equal(2, rows.Length);
        Assert.Single(rows, r => r.TextContent.Contains("This session"));
        var other = account.Document.QuerySelector("table[aria-label=Sessions] input[name=SessionId]")!.GetAttribute("value");
        Assert.Equal(thereSession, other);

        var ended = await here.SubmitAsync("/account", "/account?handler=EndSession", new Dictionary<string, string> { ["SessionId"] = other! });

        Assert.Equal("/account?done=session-ended", ended.Location);
        Assert.False(await IsSignedInAsync(there));
        Assert.True(await IsSignedInAsync(here));
        var logout = await TestApp.ValidateAsync(await receiver.TokenForAsync(user.Id.ToString()), Server.BaseUrl, app.ClientId);
        Assert.Equal(thereSession, logout.GetClaim("sid").Value);
        Assert.False(await app.IsActiveAsync(tokens.GetProperty("refresh_token").GetString()!));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "sessions.ended" && e.TargetId == user.Id)));
    }

    [Fact]
    public async Task AnAdminEndsEverySessionOfAUserButAUserManagerCannot()
    {
        var (user, first) = await Server.SignedInAsync(Role.User);
        using var second = Server.NewClient();
        await second.SignInAsync(user.UserName!, Password);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);

        var refused = await manager.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=EndSessions", new Dictionary<string, string>(), expect: HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.True(await IsSignedInAsync(first));

        var ended = await admin.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=EndSessions", new Dictionary<string, string>());

        Assert.Equal($"/user/{user.Id}?done=sessions-ended", ended.Location);
        Assert.False(await IsSignedInAsync(first));
        Assert.False(await IsSignedInAsync(second));
        Assert.Equal(0, await Server.QueryAsync(db => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.EndedAt == null)));
        using var again = Server.NewClient();
        Assert.Equal("/", (await again.SignInAsync(user.UserName!, Password)).Location);
    }
}

public sealed class SqliteSessionTests(SqliteRoster fixture) : SessionTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresSessionTests(PostgresRoster fixture) : SessionTests(fixture), IClassFixture<PostgresRoster>;
