using System.Text.Json;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Oidc;

/// <summary>
/// Complete flows driven by openid-client, an OpenID Certified relying-party library we did not write
/// (tests/interop/oidc/rp.mjs), against a running Roster, with a real browser for the person's part.
/// </summary>
public sealed class OpenIdClientInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    /// <summary>Runs one step of the relying party; its state (PKCE verifier, nonce, state) lives in <paramref name="stateFile"/> between steps.</summary>
    private static Task<JsonElement> RelyingPartyAsync(string command, object input, string stateFile) =>
        NodeScript.RunAsync("oidc", "openid-client", input, "rp.mjs", command, NodeScript.InputFile, stateFile);

    [Fact]
    public async Task DiscoveryAnnouncesWhatRosterSupports()
    {
        var metadata = await RelyingPartyAsync("discover", new { issuer = Server.BaseUrl, clientId = "any" }, Path.GetTempFileName());

        Assert.Equal(Server.BaseUrl, metadata.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("ES256", metadata.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(metadata.GetProperty("backchannel_logout_session_supported").GetBoolean());
    }

    [Fact]
    public async Task ACodeFlowWithPkceRunsFromBrowserSignInToRefreshRevocationIntrospectionAndLogout()
    {
        await using var site = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(Server, "Notes", redirectUri: site.CallbackUrl, postLogoutRedirectUri: site.SignedOutUrl);
        var user = await Server.CreateUserAsync("rp" + Guid.NewGuid().ToString("N")[..8], Password);
        var state = Path.GetTempFileName();
        var settings = new { issuer = Server.BaseUrl, clientId = app.ClientId, clientSecret = app.Secret, redirectUri = site.CallbackUrl,
            postLogoutRedirectUri = site.SignedOutUrl, scope = "openid profile email groups", full = true };

        var start = await RelyingPartyAsync("start", settings, state);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(Server.BaseUrl);
        await page.GotoAsync(start.GetProperty("url").GetString()!);
        // Not signed in yet: Roster asks, then sends the browser on to the app with a code.
        await Chromium.SubmitSignInAsync(page, user.UserName!, Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test app /callback" })).ToBeVisibleAsync();
        var callback = await site.VisitAsync("/callback");

        var result = await RelyingPartyAsync("finish", new
        {
            settings.issuer, settings.clientId, settings.clientSecret, settings.redirectUri, settings.postLogoutRedirectUri, settings.full, callbackUrl = callback,
        }, state);

        var claims = result.GetProperty("claims");
        Assert.Equal(user.Id.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(user.UserName, claims.GetProperty("preferred_username").GetString());
        var userinfo = result.GetProperty("userinfo");
        Assert.Equal(user.Email, userinfo.GetProperty("email").GetString());
        Assert.Equal(user.Name, userinfo.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, userinfo.GetProperty("groups").ValueKind);
        Assert.True(result.GetProperty("rotated").GetBoolean());
        Assert.True(result.GetProperty("introspectedAccess").GetProperty("active").GetBoolean());
        Assert.Equal(app.ClientId, result.GetProperty("introspectedAccess").GetProperty("client_id").GetString());
        Assert.True(result.GetProperty("introspectedRefresh").GetProperty("active").GetBoolean());
        Assert.False(result.GetProperty("afterRevocation").GetProperty("active").GetBoolean());
        Assert.True(result.GetProperty("userinfoAfterRevocation").TryGetProperty("error", out _));
        Assert.Equal("invalid_grant", result.GetProperty("reuse").GetProperty("error").GetString());
        Assert.Equal("invalid_grant", result.GetProperty("afterReuse").GetProperty("error").GetString());

        // RP-initiated logout: the ID token names the signed-in person, so Roster signs out at once and returns to the app.
        await page.GotoAsync(result.GetProperty("endSessionUrl").GetString()!);
        var signedOut = await site.VisitAsync("/signed-out");
        Assert.Contains("state=bye-123", signedOut);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task APublicClientWithEs256SignsInWithPkceAlone()
    {
        await using var site = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(Server, "Phone", confidential: false, redirectUri: site.CallbackUrl, algorithm: "ES256");
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var state = Path.GetTempFileName();
        var start = await RelyingPartyAsync("start", new { issuer = Server.BaseUrl, clientId = app.ClientId, redirectUri = site.CallbackUrl, scope = "openid profile", idTokenAlg = "ES256" }, state);

        // Already signed in to the dashboard: the code comes back without any page in between.
        using var authorize = await browser.Http.GetAsync(start.GetProperty("url").GetString());
        var callback = authorize.Headers.Location!.OriginalString;
        var result = await RelyingPartyAsync("finish", new { issuer = Server.BaseUrl, clientId = app.ClientId, redirectUri = site.CallbackUrl, idTokenAlg = "ES256", callbackUrl = callback }, state);

        Assert.StartsWith(site.CallbackUrl + "?code=", callback);
        Assert.Equal(user.Id.ToString(), result.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(user.Name, result.GetProperty("userinfo").GetProperty("name").GetString());
        Assert.False(result.GetProperty("userinfo").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task ANativeAppListeningOnALoopbackPortChosenAtRunTimeSignsInWithPkce()
    {
        // RFC 8252 section 7.3: registered without a port, used with whichever port the app got from the system.
        var app = await RelyingParty.RegisterAsync(Server, "Desktop", confidential: false, redirectUri: "http://127.0.0.1/cb");
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var redirectUri = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/cb";
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var state = Path.GetTempFileName();
        var start = await RelyingPartyAsync("start", new { issuer = Server.BaseUrl, clientId = app.ClientId, redirectUri, scope = "openid profile" }, state);

        using var authorize = await browser.Http.GetAsync(start.GetProperty("url").GetString());
        var callback = authorize.Headers.Location!.OriginalString;
        var result = await RelyingPartyAsync("finish", new { issuer = Server.BaseUrl, clientId = app.ClientId, redirectUri, callbackUrl = callback }, state);

        Assert.StartsWith(redirectUri + "?code=", callback);
        Assert.Equal(user.Id.ToString(), result.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(user.Name, result.GetProperty("userinfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ClientCredentialsWithClientSecretPostIssueAnIntrospectableRevocableToken()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Backup", apiScopes: ["backup.write"]);

        var result = await RelyingPartyAsync("clientCredentials",
            new { issuer = Server.BaseUrl, clientId = app.ClientId, clientSecret = app.Secret, auth = "post", scope = "backup.write" }, Path.GetTempFileName());

        Assert.Equal("Bearer", result.GetProperty("tokens").GetProperty("token_type").GetString(), ignoreCase: true);
        Assert.True(result.GetProperty("introspected").GetProperty("active").GetBoolean());
        Assert.Equal(app.ClientId, result.GetProperty("introspected").GetProperty("sub").GetString());
        Assert.Equal("backup.write", result.GetProperty("introspected").GetProperty("scope").GetString());
        Assert.False(result.GetProperty("afterRevocation").GetProperty("active").GetBoolean());
    }
}
