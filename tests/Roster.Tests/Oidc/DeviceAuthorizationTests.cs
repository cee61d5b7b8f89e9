using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.OidcProvider;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Oidc;

/// <summary>
/// The Device Authorization Grant (RFC 8628) over HTTP: a device asks for codes, a person enters the user code on
/// /device and decides, and the device's polls get each answer section 3.5 defines. Runs on both database providers.
/// </summary>
public abstract class DeviceAuthorizationTests(RosterFixture fixture)
{
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";
    private RosterServer Server => fixture.Server;

    private static async Task<(string DeviceCode, string UserCode, JsonElement Body)> StartAsync(RelyingParty app, string scope = "openid profile email")
    {
        var (status, body, _) = await app.PostAsync("/oidc/device_authorization", new() { ["scope"] = scope });
        Assert.Equal(HttpStatusCode.OK, status);
        return (body.GetProperty("device_code").GetString()!, body.GetProperty("user_code").GetString()!, body);
    }

    private static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PollAsync(RelyingParty app, string deviceCode) =>
        app.PostAsync("/oidc/token", new() { ["grant_type"] = DeviceGrant, ["device_code"] = deviceCode });

    private static async Task<string?> PollErrorAsync(RelyingParty app, string deviceCode)
    {
        var (status, body, _) = await PollAsync(app, deviceCode);
        return status == HttpStatusCode.OK ? null : body.GetProperty("error").GetString();
    }

    /// <summary>Enters <paramref name="typed"/> on /device and presses Continue; the page it answers with.</summary>
    private static Task<Page> EnterAsync(FormClient browser, string typed, Expect? expect = null) =>
        browser.SubmitAsync("/device", "/device?handler=Find", new Dictionary<string, string> { ["user_code"] = typed }, expect: expect);

    private static Task<Page> DecideAsync(FormClient browser, string typed, bool approve, Expect? expect = null) =>
        browser.SubmitAsync("/device", "/device?handler=" + (approve ? "Approve" : "Deny"), new Dictionary<string, string> { ["user_code"] = typed }, expect: expect);

    private Task<int> GrantCountAsync(RelyingParty app) => Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId));

    [Fact]
    public async Task AnAppNotAllowedDevicesIsUnauthorizedClientAndLosesItsPendingCodesWhenTheSwitchIsTurnedOff()
    {
        var notAllowed = await RelyingParty.RegisterAsync(Server, "Laptop", confidential: false);
        var (status, body, _) = await notAllowed.PostAsync("/oidc/device_authorization", new() { ["scope"] = "openid" });
        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(0, await Server.QueryAsync(db => db.Set<OidcDeviceCode>().CountAsync(d => d.AppId == notAllowed.AppId)));

        var app = await RelyingParty.RegisterAsync(Server, "Projector", confidential: false, deviceGrant: true);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);
        await DecideAsync(browser, userCode, approve: true);
        Assert.True(await Server.WithAsync(async services =>
            (await services.GetRequiredService<AppGrantSettings>().SetDeviceGrantAsync(Actor.Operator, app.AppId, allowed: false)).Succeeded));

        Assert.Equal("unauthorized_client", await PollErrorAsync(app, deviceCode));
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId && g.CodeRedeemedAt != null)));
    }

    [Fact]
    public async Task APublicClientGetsCodesAndTheTokensOfThePersonWhoApprovedOnce()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Television", confidential: false, deviceGrant: true);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, body) = await StartAsync(app);
        Assert.Matches("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$", userCode);
        Assert.Equal(Server.BaseUrl + "/device", body.GetProperty("verification_uri").GetString());
        Assert.Equal(Server.BaseUrl + "/device?user_code=" + userCode, body.GetProperty("verification_uri_complete").GetString());
        Assert.Equal(600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(5, body.GetProperty("interval").GetInt32());
        Assert.Equal("authorization_pending", await PollErrorAsync(app, deviceCode));

        // Typed in lower case without the dash, as people do.
        var found = await EnterAsync(browser, userCode.Replace("-", "").ToLowerInvariant());
        Assert.Contains("Television", found.Text);
        Assert.Contains("Your email address", found.Text);
        var approved = await DecideAsync(browser, userCode.ToLowerInvariant(), approve: true);
        Assert.Equal("/device?done=approved", approved.Location);
        Server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens, _) = await PollAsync(app, deviceCode);

        Assert.Equal(HttpStatusCode.OK, status);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(user.Id.ToString(), id.Subject);
        Assert.Equal(app.ClientId, id.Audiences.Single());
        Assert.Equal(user.Email, id.GetClaim("email").Value);
        Assert.Equal(HttpStatusCode.OK, await app.UserInfoStatusAsync(tokens.GetProperty("access_token").GetString()!));
        var (refreshStatus, refreshed, _) = await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "app.device-approved" && e.TargetId == user.Id && e.Details == "Television")));

        // A device code works once: used again, it is refused and what it issued is revoked (as a replayed code).
        Assert.Equal("invalid_grant", await PollErrorAsync(app, deviceCode));
        Assert.Equal("invalid_grant", (await app.RefreshAsync(refreshed.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task PollingSoonerThanTheIntervalIsToldToSlowDownAndTheIntervalGrowsByFiveSeconds()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Printer", confidential: false, deviceGrant: true);
        var (deviceCode, _, _) = await StartAsync(app);

        Assert.Equal("authorization_pending", await PollErrorAsync(app, deviceCode));
        Assert.Equal("slow_down", await PollErrorAsync(app, deviceCode));
        // The interval is now 10 seconds: 6 later is still too soon, and it grows to 15.
        Server.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("slow_down", await PollErrorAsync(app, deviceCode));
        Server.Clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal("slow_down", await PollErrorAsync(app, deviceCode));
        Server.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("authorization_pending", await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task ADeniedRequestIsAccessDeniedAndIssuesNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Kiosk", deviceGrant: true);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);

        var denied = await DecideAsync(browser, userCode, approve: false);
        Assert.Equal("/device?done=denied", denied.Location);

        Assert.Equal("access_denied", await PollErrorAsync(app, deviceCode));
        Assert.Equal(0, await GrantCountAsync(app));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "app.device-denied" && e.TargetId == user.Id)));
        // Decided once: the code no longer finds a request to approve.
        var again = await DecideAsync(browser, userCode, approve: true, expect: HttpStatusCode.BadRequest);
        Assert.Contains(again.Errors, e => e.Contains("unknown, expired or already used"));
        Assert.Equal("access_denied", await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task AnExpiredDeviceCodeIsExpiredTokenAndItsUserCodeNoLongerApproves()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Console", confidential: false, deviceGrant: true);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);

        Server.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        Assert.Equal("expired_token", await PollErrorAsync(app, deviceCode));
        var page = await DecideAsync(browser, userCode, approve: true, expect: HttpStatusCode.BadRequest);
        Assert.Contains(page.Errors, e => e.Contains("unknown, expired or already used"));
        Assert.Equal(0, await GrantCountAsync(app));
        Assert.Equal("expired_token", await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task AnApprovedCodeRedeemedAfterItsLifetimeIsExpiredToken()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Radio", confidential: false, deviceGrant: true);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);
        await DecideAsync(browser, userCode, approve: true);

        Server.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal("expired_token", await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task GuessingUserCodesPastTheLimitRefusesEvenTheRightCodeAndApprovesNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Camera", confidential: false, deviceGrant: true);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);

        for (var i = 0; i < DeviceApprovals.WrongCodesPerPerson; i++)
        {
            var wrong = await EnterAsync(browser, "BBBB-BBB" + "CDFGHJKLMN"[i], expect: HttpStatusCode.BadRequest);
            Assert.Contains(wrong.Errors, e => e.Contains("unknown, expired or already used"));
        }
        var limited = await DecideAsync(browser, userCode, approve: true, expect: HttpStatusCode.BadRequest);

        Assert.Contains(limited.Errors, e => e.Contains("Too many wrong codes"));
        Assert.Equal(0, await GrantCountAsync(app));
        Assert.Equal("authorization_pending", await PollErrorAsync(app, deviceCode));
        // Another person at the same address may still enter their code: the address allows more than one person's tries.
        var (_, other) = await Server.SignedInAsync(Role.User);
        Assert.Contains("Camera", (await EnterAsync(other, userCode)).Text);
    }

    [Fact]
    public async Task OddInputOnTheDevicePageIsRefusedWithAClearMessage()
    {
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var page = await EnterAsync(browser, new string('A', 5000), expect: HttpStatusCode.BadRequest);
        Assert.Contains(page.Errors, e => e.Contains("8 letters"));
        page = await EnterAsync(browser, "AEIO-U123", expect: HttpStatusCode.BadRequest);
        Assert.Contains(page.Errors, e => e.Contains("8 letters"));
    }

    [Fact]
    public async Task TheDevicePageSendsSomeoneNotSignedInToSignInAndBackAndNeedsAntiforgery()
    {
        using var anonymous = Server.NewClient();
        var page = await anonymous.GetAsync("/device?user_code=BCDF-GHJK", expect: HttpStatusCode.Redirect);
        Assert.Contains("/login?ReturnUrl=" + Uri.EscapeDataString("/device?user_code=BCDF-GHJK"), page.Location);

        var (_, browser) = await Server.SignedInAsync(Role.User);
        Assert.Equal("BCDF-GHJK", (await browser.GetAsync("/device?user_code=BCDF-GHJK")).Document.QuerySelector("#user-code")!.GetAttribute("value"));
        await browser.SubmitAsync("/device", "/device?handler=Approve", new Dictionary<string, string> { ["user_code"] = "BCDF-GHJK" },
            withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AClientThatFailsToAuthenticateOrOmitsOpenIdGetsNoCodes()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Thermostat", deviceGrant: true);
        var (status, body, _) = await app.PostAsync("/oidc/device_authorization", new() { ["scope"] = "openid", ["client_id"] = app.ClientId }, basic: false);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        (status, body, _) = await app.PostAsync("/oidc/device_authorization", new() { ["scope"] = "openid", ["client_id"] = "no-such-client" }, basic: false);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        (status, body, _) = await app.PostAsync("/oidc/device_authorization", new() { ["scope"] = "profile" });
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(0, await Server.QueryAsync(db => db.Set<OidcDeviceCode>().CountAsync(d => d.AppId == app.AppId)));
    }

    [Fact]
    public async Task AnotherClientCannotRedeemADeviceCode()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Speaker", confidential: false, deviceGrant: true);
        var other = await RelyingParty.RegisterAsync(Server, "Intruder", confidential: false, deviceGrant: true);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (deviceCode, userCode, _) = await StartAsync(app);
        await DecideAsync(browser, userCode, approve: true);

        Assert.Equal("invalid_grant", await PollErrorAsync(other, deviceCode));
        // Nor is an approved device code an authorization code: it names no redirect URI any request could match.
        var (_, asCode, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "authorization_code", ["code"] = deviceCode });
        Assert.Equal("invalid_grant", asCode.GetProperty("error").GetString());
        Assert.Null(await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task APersonTheAppsAccessRuleRefusesCannotApproveAndOneDisabledAfterApprovingGetsNoTokens()
    {
        Guid group;
        await using (var scope = Server.App.Services.CreateAsyncScope())
            group = (await scope.ServiceProvider.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..8], "")).Value!.Id;
        var restricted = await RelyingParty.RegisterAsync(Server, "Vault", confidential: false, access: AppAccess.Groups, groups: [group], deviceGrant: true);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (restrictedCode, restrictedUserCode, _) = await StartAsync(restricted);
        var page = await DecideAsync(browser, restrictedUserCode, approve: true, expect: HttpStatusCode.BadRequest);
        Assert.Contains(page.Errors, e => e.Contains("not allowed to use Vault"));
        Assert.Equal("authorization_pending", await PollErrorAsync(restricted, restrictedCode));

        var app = await RelyingParty.RegisterAsync(Server, "Tablet", confidential: false, deviceGrant: true);
        var (deviceCode, userCode, _) = await StartAsync(app);
        await DecideAsync(browser, userCode, approve: true);
        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false)).Succeeded);

        Assert.Equal("invalid_grant", await PollErrorAsync(app, deviceCode));
    }

    [Fact]
    public async Task EachDeviceValueTheDiscoveryDocumentAdvertisesWorks()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Watch", confidential: false, deviceGrant: true);
        using var http = new HttpClient();
        var discovery = JsonDocument.Parse(await http.GetStringAsync(Server.BaseUrl + "/.well-known/openid-configuration")).RootElement;
        var endpoint = discovery.GetProperty("device_authorization_endpoint").GetString()!;
        Assert.Contains(DeviceGrant, discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));

        var (status, body, _) = await app.PostAsync(endpoint.Replace(Server.BaseUrl, ""), new() { ["scope"] = "openid" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(endpoint, Server.BaseUrl + "/oidc/device_authorization");
        Assert.Equal("authorization_pending", await PollErrorAsync(app, body.GetProperty("device_code").GetString()!));
        using var page = await http.GetAsync(body.GetProperty("verification_uri").GetString());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task CleanupDeletesExpiredDeviceRequests()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Fridge", confidential: false, deviceGrant: true);
        await StartAsync(app);
        Assert.Equal(1, await Server.QueryAsync(db => db.Set<OidcDeviceCode>().CountAsync(d => d.AppId == app.AppId)));

        await Server.QueryAsync(async db =>
        {
            await GrantCleanup.PurgeAsync(db, Server.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(11), CancellationToken.None);
            return 0;
        });

        Assert.Equal(0, await Server.QueryAsync(db => db.Set<OidcDeviceCode>().CountAsync(d => d.AppId == app.AppId)));
    }
}

public sealed class SqliteDeviceAuthorizationTests(SqliteRoster fixture) : DeviceAuthorizationTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresDeviceAuthorizationTests(PostgresRoster fixture) : DeviceAuthorizationTests(fixture), IClassFixture<PostgresRoster>;
