using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// Native apps (RFC 8252: loopback redirects on any port, private-use schemes), per-app "require PKCE", and the
/// prompt values beyond none and login, over HTTP on both databases.
/// </summary>
public abstract class NativeAppTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private static Dictionary<string, string?> With(string key, string? value) => new() { [key] = value };

    [Fact]
    public async Task ALoopbackRedirectRegisteredWithoutAPortMatchesAnyPortOnTheSameAddressPathAndQuery()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Desktop", confidential: false, redirectUri: "http://127.0.0.1/cb");
        await app.RegisterAddressesAsync("http://127.0.0.1/cb\nhttp://[::1]/cb?app=desktop");
        var (_, browser) = await Server.SignedInAsync(Role.User);

        foreach (var runtime in new[] { "http://127.0.0.1:53124/cb", "http://127.0.0.1/cb", "http://[::1]:6000/cb?app=desktop" })
        {
            var (verifier, challenge) = RelyingParty.NewPkce();
            using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("redirect_uri", runtime), challenge));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!.OriginalString;
            Assert.StartsWith(runtime + (runtime.Contains('?') ? "&" : "?") + "code=", location);
            var code = QueryHelpers.ParseQuery(new Uri(location).Query)["code"].ToString();

            var (status, body, _) = await app.RedeemAsync(code, verifier, redirectUri: runtime);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(body.TryGetProperty("id_token", out _));
        }
    }

    [Fact]
    public async Task ACodeIssuedToOneLoopbackPortCannotBeRedeemedNamingAnother()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Desktop", confidential: false, redirectUri: "http://127.0.0.1/cb");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (verifier, challenge) = RelyingParty.NewPkce();
        using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("redirect_uri", "http://127.0.0.1:50001/cb"), challenge));
        var code = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["code"].ToString();

        var (status, body, _) = await app.RedeemAsync(code, verifier, redirectUri: "http://127.0.0.1:50002/cb");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, body.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("http://127.0.0.1:53124/other")]
    [InlineData("http://127.0.0.1:53124/cb?x=1")]
    [InlineData("http://127.0.0.1:53124/cb/")]
    [InlineData("http://127.0.0.2:53124/cb")]
    [InlineData("http://[::1]:53124/cb")]
    [InlineData("http://127.0.0.1:0/cb")]
    [InlineData("http://127.0.0.1:99999/cb")]
    [InlineData("http://127.0.0.1:/cb")]
    [InlineData("http://user@127.0.0.1:5000/cb")]
    [InlineData("http://127.0.0.1:5000@evil.example/cb")]
    [InlineData("https://127.0.0.1:5000/cb")]
    [InlineData("http://localhost:5000/cb")]
    [InlineData("http://localhost/cb")]
    public async Task ALoopbackRedirectDifferingInAnythingButThePortIsShownToThePersonAndNeverRedirectedTo(string wrong)
    {
        var app = await RelyingParty.RegisterAsync(Server, "Desktop", confidential: false, redirectUri: "http://127.0.0.1/cb");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (_, challenge) = RelyingParty.NewPkce();

        var page = await browser.GetAsync(app.AuthorizeUrl(With("redirect_uri", wrong), challenge), expect: HttpStatusCode.BadRequest);

        Assert.Null(page.Location);
        Assert.Contains("not registered", page.Text);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task LocalhostAndHttpsRedirectsMatchOnlyExactlyWhateverThePort()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Web", redirectUri: "http://localhost/cb");
        await app.RegisterAddressesAsync("http://localhost/cb\nhttps://notes.example.org/cb\nhttp://localhost:8080/cb");
        var (_, browser) = await Server.SignedInAsync(Role.User);

        foreach (var wrong in new[] { "http://localhost:5000/cb", "http://localhost:8081/cb", "https://notes.example.org:8443/cb", "http://notes.example.org/cb" })
        {
            var page = await browser.GetAsync(app.AuthorizeUrl(With("redirect_uri", wrong)), expect: HttpStatusCode.BadRequest);
            Assert.Null(page.Location);
        }
        foreach (var exact in new[] { "http://localhost/cb", "http://localhost:8080/cb", "https://notes.example.org/cb" })
        {
            using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("redirect_uri", exact)));
            Assert.StartsWith(exact + "?code=", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task APrivateUseSchemeRedirectIsRegisteredAndTheCodeArrivesInTheLocationHeader()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Phone", confidential: false, redirectUri: "com.example.phone:/oauth2redirect");
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (verifier, challenge) = RelyingParty.NewPkce();

        using var response = await browser.Http.GetAsync(app.AuthorizeUrl(challenge: challenge));
        var callback = app.Callback(response);
        var (status, body, _) = await app.RedeemAsync(callback["code"], verifier);

        Assert.StartsWith("com.example.phone:/oauth2redirect?code=", response.Headers.Location!.OriginalString);
        Assert.Equal("state-123", callback["state"]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(user.Id.ToString(), new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("id_token").GetString()).Subject);
        var other = await browser.GetAsync(app.AuthorizeUrl(With("redirect_uri", "com.example.phone:/other"), challenge), expect: HttpStatusCode.BadRequest);
        Assert.Null(other.Location);
    }

    [Fact]
    public async Task FormPostToAPrivateUseSchemeIsRefusedInTheQueryWhereTheAppCanReadIt()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Phone", confidential: false, redirectUri: "com.example.phone:/oauth2redirect");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var (_, challenge) = RelyingParty.NewPkce();

        using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("response_mode", "form_post"), challenge));

        var callback = app.Callback(response);
        Assert.Equal("invalid_request", callback["error"]);
        Assert.Contains("form_post", callback["error_description"]);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task APublicLoopbackClientWithoutACodeChallengeIsToldInvalidRequestAtItsRedirect()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Desktop", confidential: false, redirectUri: "http://127.0.0.1/cb");
        var (_, browser) = await Server.SignedInAsync(Role.User);

        using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("redirect_uri", "http://127.0.0.1:41000/cb")));

        Assert.StartsWith("http://127.0.0.1:41000/cb?error=invalid_request", response.Headers.Location!.OriginalString);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task AnAppThatRequiresPkceRefusesAConfidentialRequestWithoutAChallengeAndTheSettingCanBeTurnedOff()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Strict", requirePkce: true);
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        using (var refused = await browser.Http.GetAsync(app.AuthorizeUrl()))
        {
            var callback = app.Callback(refused);
            Assert.Equal("invalid_request", callback["error"]);
            Assert.Contains("requires PKCE", callback["error_description"]);
            Assert.False(callback.ContainsKey("code"));
        }
        var (verifier, challenge) = RelyingParty.NewPkce();
        Assert.Equal(HttpStatusCode.OK, (await app.RedeemAsync(await app.CodeAsync(browser, challenge), verifier)).Status);

        using var api = await Server.ApiClientAsync(admin);
        using var saved = await api.PutAsJsonAsync($"/api/v1/apps/{app.AppId}/sign-on", new { requirePkce = false });
        Assert.False((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requirePkce").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await app.RedeemAsync(await app.CodeAsync(browser))).Status);
    }

    [Fact]
    public async Task SelectAccountWithNoneIsAccountSelectionRequiredAndNoneWithAnythingElseIsInvalidRequest()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        foreach (var (prompt, error) in new[] { ("none select_account", "account_selection_required"), ("select_account none", "account_selection_required"),
                     ("none login", "invalid_request"), ("none consent", "invalid_request"), ("none select_account login", "invalid_request") })
        {
            using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", prompt)));
            var callback = app.Callback(response);
            Assert.Equal(error, callback["error"]);
            Assert.Equal("state-123", callback["state"]);
        }
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task SelectAccountShowsTheSignedInPersonAndContinuingAsThemGivesACode()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var (user, browser) = await Server.SignedInAsync(Role.User);

        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "select_account login")));
        // login wins first: the person signs in, which is choosing an account, and comes back without either prompt.
        Assert.StartsWith("/login?ReturnUrl=", asked.Headers.Location!.OriginalString);
        using var select = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "select_account")));
        Assert.StartsWith("/select-account?ReturnUrl=%2Foidc%2Fauthorize%3F", select.Headers.Location!.OriginalString);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));

        var page = await browser.GetAsync(select.Headers.Location.OriginalString);
        Assert.Contains($"signed in to Roster as {user.Name}", page.Text);
        Assert.Contains("Wiki asks which account", page.Text);
        var continueUrl = page.Document.QuerySelector("a.button")!.GetAttribute("href")!;
        Assert.StartsWith("/oidc/authorize?", continueUrl);
        Assert.DoesNotContain("prompt", continueUrl);
        using var continued = await browser.Http.GetAsync(continueUrl);
        Assert.True(app.Callback(continued).ContainsKey("code"));
    }

    [Fact]
    public async Task UsingAnotherAccountSignsOutAndSendsThePersonToSignInForTheSameRequest()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        using var select = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "select_account")));
        var path = select.Headers.Location!.OriginalString;
        var page = await browser.GetAsync(path);
        var returnUrl = page.Document.QuerySelector("input[name=ReturnUrl]")!.GetAttribute("value")!;

        var other = await browser.SubmitAsync(path, "/select-account", new Dictionary<string, string> { ["ReturnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, other.Status);
        Assert.Equal("/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), other.Location);
        using var after = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "none")));
        Assert.Equal("login_required", app.Callback(after)["error"]);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/oidc/authorize?x=1")]
    [InlineData("/apps")]
    [InlineData("/oidc/authorizex?client_id=a")]
    public async Task TheSelectAccountPageLeadsNowhereButTheAuthorizationEndpoint(string returnUrl)
    {
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var page = await browser.GetAsync("/select-account?ReturnUrl=" + Uri.EscapeDataString(returnUrl), expect: HttpStatusCode.Redirect);

        Assert.Equal("/", page.Location);
    }

    [Fact]
    public async Task DiscoveryAdvertisesExactlyThePromptValuesThatWorkAndEachDoesWhatItSays()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var advertised = metadata.GetProperty("prompt_values_supported").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Equal(["none", "login", "select_account", "consent"], advertised);

        using var visitor = Server.NewClient();
        var (_, browser) = await Server.SignedInAsync(Role.User);
        foreach (var value in advertised)
        {
            using var signedIn = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", value)));
            var location = signedIn.Headers.Location!.OriginalString;
            switch (value)
            {
                case "none":
                    Assert.True(app.Callback(signedIn).ContainsKey("code"));
                    using (var anonymous = await visitor.Http.GetAsync(app.AuthorizeUrl(With("prompt", value))))
                        Assert.Equal("login_required", app.Callback(anonymous)["error"]);
                    break;
                case "login":
                    Assert.StartsWith("/login?ReturnUrl=", location);
                    break;
                case "select_account":
                    Assert.StartsWith("/select-account?ReturnUrl=", location);
                    break;
                case "consent":
                    Assert.StartsWith("/consent?Scope=openid", location);
                    break;
                default:
                    Assert.Fail($"discovery advertises prompt={value}, which no test here checks");
                    break;
            }
        }
    }
}

public sealed class NativeAppTestsOnSqlite(SqliteRoster fixture) : NativeAppTests(fixture), IClassFixture<SqliteRoster>;

public sealed class NativeAppTestsOnPostgres(PostgresRoster fixture) : NativeAppTests(fixture), IClassFixture<PostgresRoster>;
