using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Accounts;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Oidc;

/// <summary>
/// Apps that signed someone in hear about it when that person's Roster session ends: disabled, deleted
/// or signed out. The notices travel the outbox, so an app that is briefly down still gets them.
/// </summary>
public abstract class BackChannelLogoutTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    /// <summary>Signs a new person in to the app through the code flow; returns them, their browser and their session id.</summary>
    private async Task<(User User, FormClient Browser, string SessionId)> SignedInToAsync(RelyingParty app)
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (_, body, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var sessionId = new JsonWebToken(body.GetProperty("id_token").GetString()).GetClaim("sid").Value;
        return (user, browser, sessionId);
    }

    [Fact]
    public async Task AnAppReceivesAValidLogoutTokenWhenItsUserIsDisabledAndWhenAnotherIsDeleted()
    {
        await using var receiver = await TestApp.StartAsync(failFirst: 1);
        var app = await RelyingParty.RegisterAsync(Server, "Wiki", backChannelLogoutUri: receiver.Url);
        var (disabled, _, disabledSession) = await SignedInToAsync(app);
        var (deleted, _, deletedSession) = await SignedInToAsync(app);
        var (bystander, _, _) = await SignedInToAsync(app);

        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, disabled.Id, false)).Succeeded);
        // The app was down for the first try; the outbox tries again once its retry delay has passed on Roster's clock.
        await Eventually.GetAsync(() => Task.FromResult(receiver.Refused == 1 ? "refused" : null), "the first, refused delivery");
        Server.Clock.Advance(TimeSpan.FromSeconds(1));
        var first = await TestApp.ValidateAsync(await receiver.TokenForAsync(disabled.Id.ToString()), Server.BaseUrl, app.ClientId);

        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserChanges>().DeleteAsync(Actor.Operator, deleted.Id)).Succeeded);
        var second = await TestApp.ValidateAsync(await receiver.TokenForAsync(deleted.Id.ToString()), Server.BaseUrl, app.ClientId);

        Assert.Equal(disabledSession, first.GetClaim("sid").Value);
        Assert.Equal(deletedSession, second.GetClaim("sid").Value);
        Assert.Equal(1, receiver.Refused);
        Assert.Equal(0, receiver.Count(bystander.Id.ToString()));
    }

    [Fact]
    public async Task SigningOutOfTheDashboardLogsOutOfEveryAppOfThatSessionOnly()
    {
        await using var receiver = await TestApp.StartAsync();
        var wiki = await RelyingParty.RegisterAsync(Server, "Wiki", backChannelLogoutUri: receiver.Url);
        var chat = await RelyingParty.RegisterAsync(Server, "Chat", backChannelLogoutUri: receiver.Url);
        var (user, browser, sessionId) = await SignedInToAsync(wiki);
        var (_, chatTokens, _) = await chat.RedeemAsync(await chat.CodeAsync(browser));

        var signedOut = await browser.SubmitAsync("/logout", new Dictionary<string, string>());

        Assert.Equal("/login?done=signed-out", signedOut.Location);
        var tokens = await Eventually.GetAsync(() => Task.FromResult(receiver.TokensFor(user.Id.ToString()) is { Count: 2 } both ? both : null),
            "a logout token for each app");
        var audiences = new List<string>();
        foreach (var token in tokens)
        {
            var audience = new JsonWebToken(token).Audiences.Single();
            var validated = await TestApp.ValidateAsync(token, Server.BaseUrl, audience);
            Assert.Equal(sessionId, validated.GetClaim("sid").Value);
            audiences.Add(audience);
        }
        Assert.Equal(new[] { wiki.ClientId, chat.ClientId }.Order(), audiences.Order());
        Assert.False(await chat.IsActiveAsync(chatTokens.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task SigningInAgainKeepsTheSessionAndSigningInAsSomeoneElseEndsIt()
    {
        const string password = "a long test password";
        await using var receiver = await TestApp.StartAsync();
        var wiki = await RelyingParty.RegisterAsync(Server, "Wiki", backChannelLogoutUri: receiver.Url);
        var (user, browser, sessionId) = await SignedInToAsync(wiki);

        // An app asks for a fresh sign-in (prompt=login): the person proves it again in the same browser.
        using (var again = await browser.Http.GetAsync(wiki.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "login" })))
            Assert.StartsWith("/login", again.Headers.Location!.OriginalString);
        await browser.SignInAsync(user.UserName!, password);
        var (_, renewed, _) = await wiki.RedeemAsync(await wiki.CodeAsync(browser));
        Assert.Equal(sessionId, new JsonWebToken(renewed.GetProperty("id_token").GetString()).GetClaim("sid").Value);
        Assert.Equal(0, receiver.Count(user.Id.ToString()));

        // Someone else signs in on that browser: the first person's session ends, and its apps hear of it.
        var (other, _) = await Server.SignedInAsync(Role.User);
        await browser.SignInAsync(other.UserName!, password);
        var notice = await TestApp.ValidateAsync(await receiver.TokenForAsync(user.Id.ToString()), Server.BaseUrl, wiki.ClientId);
        Assert.Equal(sessionId, notice.GetClaim("sid").Value);
        Assert.False(await wiki.IsActiveAsync(renewed.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task ChangingThePasswordLogsOutTheAppsOfOtherSessionsAndAResetLogsOutAllOfThem()
    {
        const string password = "a long test password";
        await using var receiver = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(Server, "Files", backChannelLogoutUri: receiver.Url);
        var (user, here, hereSession) = await SignedInToAsync(app);
        using var there = Server.NewClient();
        await there.SignInAsync(user.UserName!, password);
        var (_, thereTokens, _) = await app.RedeemAsync(await app.CodeAsync(there));
        var thereSession = new JsonWebToken(thereTokens.GetProperty("id_token").GetString()).GetClaim("sid").Value;

        var changed = await here.SubmitAsync("/account", "/account?handler=Password",
            new Dictionary<string, string> { ["CurrentPassword"] = password, ["NewPassword"] = "another long password", ["Confirm"] = "another long password" });

        Assert.Equal("/account?done=password", changed.Location);
        var other = await TestApp.ValidateAsync(await receiver.TokenForAsync(user.Id.ToString()), Server.BaseUrl, app.ClientId);
        Assert.Equal(thereSession, other.GetClaim("sid").Value);
        Assert.Equal(1, receiver.Count(user.Id.ToString()));

        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var resets = scope.ServiceProvider.GetRequiredService<PasswordReset>();
            var link = (await resets.IssueForAsync(Actor.Operator, user.Id, email: false)).Value!;
            Assert.True((await resets.ResetAsync(link[(link.LastIndexOf('/') + 1)..], "a third long password")).Succeeded);
        }
        var tokens = await Eventually.GetAsync(() => Task.FromResult(receiver.TokensFor(user.Id.ToString()) is { Count: 2 } both ? both : null), "the reset's logout token");
        Assert.Equal(hereSession, new JsonWebToken(tokens[1]).GetClaim("sid").Value);
    }
}

public sealed class SqliteBackChannelLogoutTests(SqliteRoster fixture) : BackChannelLogoutTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresBackChannelLogoutTests(PostgresRoster fixture) : BackChannelLogoutTests(fixture), IClassFixture<PostgresRoster>;
