using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Apps;

/// <summary>An app's OpenID Connect client settings: exact redirect URIs, a secret shown once and kept hashed, public clients.</summary>
public abstract class AppSignOnTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private async Task<(FormClient Admin, string AppPath, Guid AppId)> NewAppAsync()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var registered = await admin.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Notes", ["LaunchUrl"] = "https://notes.example.org", ["DirectoryMode"] = "UseRoster", ["Access"] = "Everyone",
        });
        var path = registered.Location!.Split('?')[0];
        return (admin, path, Guid.Parse(path.Split('/').Last()));
    }

    private Task<App> StoredAsync(Guid id) => Server.QueryAsync(db => db.Apps.AsNoTracking().SingleAsync(a => a.Id == id));

    [Theory]
    [InlineData("http://notes.example.org/callback", "cannot be a redirect URI")]
    [InlineData("https://notes.example.org/callback#fragment", "cannot be a redirect URI")]
    [InlineData("/callback", "cannot be a redirect URI")]
    [InlineData("javascript:alert(1)", "cannot be a redirect URI")]
    [InlineData("data:text/html,hello", "cannot be a redirect URI")]
    [InlineData("file:///etc/passwd", "cannot be a redirect URI")]
    [InlineData("myapp:/callback", "cannot be a redirect URI")]
    [InlineData("com.example.app:/callback#fragment", "cannot be a redirect URI")]
    [InlineData("1com.example.app:/callback", "cannot be a redirect URI")]
    [InlineData("com.example.app.:/callback", "cannot be a redirect URI")]
    [InlineData("http://192.0.2.1:8080/callback", "cannot be a redirect URI")]
    public async Task BadRedirectUrisAreRefusedAndNothingIsStored(string uri, string expected)
    {
        var (admin, path, id) = await NewAppAsync();
        var before = await StoredAsync(id);

        var page = await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["RedirectUris"] = "https://notes.example.org/ok\n" + uri, ["TokenSigningAlgorithm"] = "RS256",
        }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(page.Errors, e => e.Contains(expected));
        Assert.Equal(before.RedirectUris, (await StoredAsync(id)).RedirectUris);
    }

    [Fact]
    public async Task HttpsAndLoopbackRedirectUrisAreSavedExactly()
    {
        var (admin, path, id) = await NewAppAsync();

        var page = await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["RedirectUris"] = "https://notes.example.org/oauth2/callback\r\nhttp://127.0.0.1:8400/cb\nhttp://localhost/cb",
            ["BackChannelLogoutUri"] = "https://notes.example.org/backchannel", ["TokenSigningAlgorithm"] = "ES256",
        });

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        var stored = await StoredAsync(id);
        Assert.Equal(["https://notes.example.org/oauth2/callback", "http://127.0.0.1:8400/cb", "http://localhost/cb"], AppSignOn.Lines(stored.RedirectUris));
        Assert.Equal("ES256", stored.TokenSigningAlgorithm);
        Assert.Equal(20, stored.ClientId.Length);
    }

    [Fact]
    public async Task PrivateUseSchemesAndPortlessLoopbackRedirectUrisAreSavedExactly()
    {
        var (admin, path, id) = await NewAppAsync();

        await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["RedirectUris"] = "com.example.notes:/oauth2redirect\nhttp://127.0.0.1/cb\nhttp://[::1]/cb", ["TokenSigningAlgorithm"] = "RS256", ["RequirePkce"] = "true",
        });

        Assert.Equal(["com.example.notes:/oauth2redirect", "http://127.0.0.1/cb", "http://[::1]/cb"], AppSignOn.Lines((await StoredAsync(id)).RedirectUris));
    }

    [Fact]
    public async Task ANewAppRequiresPkceAndTheSignOnFormTurnsItOffAndOnAgain()
    {
        var (admin, path, id) = await NewAppAsync();
        Assert.True((await StoredAsync(id)).RequirePkce);
        Assert.NotNull((await admin.GetAsync(path)).Document.QuerySelector("input[name=RequirePkce][checked]"));

        // An unticked box sends nothing.
        await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string> { ["RedirectUris"] = "https://notes.example.org/cb", ["TokenSigningAlgorithm"] = "RS256" });
        Assert.False((await StoredAsync(id)).RequirePkce);
        Assert.Null((await admin.GetAsync(path)).Document.QuerySelector("input[name=RequirePkce][checked]"));

        await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["RedirectUris"] = "https://notes.example.org/cb", ["TokenSigningAlgorithm"] = "RS256", ["RequirePkce"] = "true",
        });
        Assert.True((await StoredAsync(id)).RequirePkce);
    }

    [Fact]
    public async Task APersonWhoIsNotTheAppsOperatorCannotTurnOffRequirePkce()
    {
        var (_, _, id) = await NewAppAsync();
        var (stranger, _) = await Server.SignedInAsync(Role.UserManager);
        using var api = await Server.ApiClientAsync(stranger);

        using var refused = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { requirePkce = false });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True((await StoredAsync(id)).RequirePkce);
    }

    [Fact]
    public async Task AClientSecretIsShownOnceKeptHashedAndReplacedOrRemoved()
    {
        var (admin, path, id) = await NewAppAsync();
        Assert.Null((await StoredAsync(id)).ClientSecretHash);

        var created = await admin.SubmitAsync(path, path + "?handler=NewSecret", new Dictionary<string, string>());
        var secret = created.Document.QuerySelector("code.secret")!.TextContent.Trim();
        var stored = await StoredAsync(id);

        Assert.Equal(43, secret.Length);
        Assert.NotEqual(secret, stored.ClientSecretHash);
        Assert.True(AppSignOn.SecretMatches(stored.ClientSecretHash, secret));
        Assert.False(AppSignOn.SecretMatches(stored.ClientSecretHash, secret + "x"));
        Assert.DoesNotContain(secret, (await admin.GetAsync(path)).Text);

        var (adminUser, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(adminUser);
        var replaced = await (await api.PostAsync($"/api/v1/apps/{id}/client-secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(AppSignOn.SecretMatches((await StoredAsync(id)).ClientSecretHash, secret));
        Assert.True(AppSignOn.SecretMatches((await StoredAsync(id)).ClientSecretHash, replaced.GetProperty("clientSecret").GetString()));

        await admin.SubmitAsync(path, path + "?handler=RemoveSecret", new Dictionary<string, string>());
        Assert.Null((await StoredAsync(id)).ClientSecretHash);
        Assert.Contains("Public: no secret, must use PKCE", (await admin.GetAsync(path)).Text);
    }

    [Fact]
    public async Task AnAppOperatorConfiguresSignOnThroughTheApi()
    {
        var (admin, path, id) = await NewAppAsync();
        var (operatorUser, _) = await Server.SignedInAsync(Role.User);
        await admin.SubmitAsync(path, path + "?handler=Operators", new Dictionary<string, string> { ["Operators"] = operatorUser.UserName! });
        using var api = await Server.ApiClientAsync(operatorUser);

        using var refused = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { redirectUris = new[] { "http://evil.example/cb" } });
        using var saved = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { redirectUris = new[] { "https://notes.example.org/cb" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("app.redirect_uri", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("https://notes.example.org/cb", (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("redirectUris")[0].GetString());
    }

    [Fact]
    public async Task ApiScopesAreSavedFromThePageAndOnesThatAreNotScopeTokensAreRefusedKeepingWhatWasTyped()
    {
        var (admin, path, id) = await NewAppAsync();

        var saved = await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["TokenSigningAlgorithm"] = "RS256", ["ApiScopes"] = "notes:read\r\nnotes:write  https://api.example.org/notes",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal("notes:read notes:write https://api.example.org/notes", (await StoredAsync(id)).ApiScopes);

        foreach (var (typed, expected) in new[]
        {
            ("notes:read say\"hi\"", "cannot be an API scope"),
            ("notes:read back\\slash", "cannot be an API scope"),
            ("notes:read café", "cannot be an API scope"),
            ("notes:read " + new string('x', 101), "cannot be an API scope"),
            ("notes:read notes:read", "listed more than once"),
            (string.Join(' ', Enumerable.Range(0, 51).Select(i => $"s{i}")), "at most 50 API scopes"),
        })
        {
            var refused = await admin.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
            {
                ["TokenSigningAlgorithm"] = "RS256", ["ApiScopes"] = typed,
            }, expect: HttpStatusCode.BadRequest);

            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(refused.Errors, e => e.Contains(expected));
            Assert.Equal(typed, refused.Document.QuerySelector("#api-scopes")!.TextContent);
            Assert.Equal("notes:read notes:write https://api.example.org/notes", (await StoredAsync(id)).ApiScopes);
        }
    }

    [Fact]
    public async Task AnAppOperatorSetsApiScopesThroughTheApiAndAMalformedOneChangesNothing()
    {
        var (admin, path, id) = await NewAppAsync();
        var (operatorUser, _) = await Server.SignedInAsync(Role.User);
        await admin.SubmitAsync(path, path + "?handler=Operators", new Dictionary<string, string> { ["Operators"] = operatorUser.UserName! });
        using var api = await Server.ApiClientAsync(operatorUser);

        using var saved = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { apiScopes = new[] { "notes:read", "notes:write" } });
        using var refused = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { apiScopes = new[] { "notes:read", "admin write:all" } });
        using var untouched = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { tokenSigningAlgorithm = "ES256" });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(["notes:read", "notes:write"], (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiScopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("app.api_scope", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, untouched.StatusCode);
        Assert.Equal("notes:read notes:write", (await StoredAsync(id)).ApiScopes);
    }

    [Fact]
    public async Task APersonWhoIsNotTheAppsOperatorCannotChangeItsApiScopes()
    {
        var (_, path, id) = await NewAppAsync();
        var (user, browser) = await Server.SignedInAsync(Role.User);
        using var api = await Server.ApiClientAsync(user);

        using var response = await api.PutAsJsonAsync($"/api/v1/apps/{id}/sign-on", new { apiScopes = new[] { "admin" } });
        var page = await browser.SubmitAsync("/", path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["TokenSigningAlgorithm"] = "RS256", ["ApiScopes"] = "admin",
        }, expect: HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal("", (await StoredAsync(id)).ApiScopes);
    }
}

public sealed class AppSignOnOnSqlite(SqliteRoster fixture) : AppSignOnTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppSignOnOnPostgres(PostgresRoster fixture) : AppSignOnTests(fixture), IClassFixture<PostgresRoster>;
