using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Roster.Accounts;
using Roster.Apps;
using Roster.OidcProvider;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Oidc;

/// <summary>
/// APIs as resources (RFC 8707, RFC 9068) and offline_access (OpenID Connect Core section 11) over HTTP: tokens an API
/// can validate as meant for it, every refusal the spec's error with nothing issued, and which grants outlive what.
/// </summary>
public abstract class ApiResourceTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private sealed record Api(Guid Id, string Identifier, string ClientId, string Secret);

    private static string NewIdentifier() => $"https://api-{Guid.NewGuid():N}.example.org/";

    private async Task<Api> RegisterApiAsync(string[] scopes, int lifetime = 600, string? identifier = null)
    {
        identifier ??= NewIdentifier();
        return await Server.WithAsync(async services =>
        {
            var apis = services.GetRequiredService<ApiResources>();
            var registered = await apis.RegisterAsync(Actor.Operator, new ApiSettings("Orders", identifier, scopes, lifetime));
            Assert.True(registered.Succeeded, string.Join(" ", registered.Errors.Select(e => e.Message)));
            var secret = (await apis.NewSecretAsync(Actor.Operator, registered.Value!.Id)).Value!;
            return new Api(registered.Value.Id, identifier, registered.Value.ClientId, secret);
        });
    }

    private Task AllowAsync(Api api, RelyingParty app, params string[] scopes) => Server.WithAsync(async services =>
    {
        var allowed = await services.GetRequiredService<ApiResources>().AllowAsync(Actor.Operator, api.Id, app.AppId, scopes);
        Assert.True(allowed.Succeeded, string.Join(" ", allowed.Errors.Select(e => e.Message)));
        return true;
    });

    private Task RefreshSettingsAsync(RelyingParty app, bool offlineAccess, bool alwaysIssue) => Server.WithAsync(async services =>
    {
        Assert.True((await services.GetRequiredService<AppGrantSettings>().SetRefreshTokensAsync(Actor.Operator, app.AppId, new(offlineAccess, alwaysIssue))).Succeeded);
        return true;
    });

    private static Dictionary<string, string?> With(string scope, string? resource) => new() { ["scope"] = scope, ["resource"] = resource };

    private async Task<HttpResponseMessage> AuthorizeAsync(FormClient browser, RelyingParty app, string scope, string? resource) =>
        await browser.Http.GetAsync(app.AuthorizeUrl(With(scope, resource)));

    private async Task<System.Text.Json.JsonElement> TokensAsync(FormClient browser, RelyingParty app, string scope, string? resource = null)
    {
        using var response = await AuthorizeAsync(browser, app, scope, resource);
        var (status, body, _) = await app.RedeemAsync(app.Callback(response)["code"]);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> IntrospectAsApiAsync(Api api, string token, string? secret = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/introspect") { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{api.ClientId}:{secret ?? api.Secret}")));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task AnApiValidatesATokenMeantForItWithIdentityModelAndRefusesOneMeantForAnotherApi()
    {
        var orders = await RegisterApiAsync(["orders:read", "orders:write"], lifetime: 900);
        var billing = await RegisterApiAsync(["billing:read"]);
        var app = await RelyingParty.RegisterAsync(Server, "Shop");
        await AllowAsync(orders, app, "orders:read");
        await AllowAsync(billing, app, "billing:read");
        var (user, browser) = await Server.SignedInAsync(Role.User);

        var forOrders = await TokensAsync(browser, app, "openid orders:read", orders.Identifier);
        var (_, forBilling, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["resource"] = billing.Identifier });
        var configuration = await new ConfigurationManager<OpenIdConnectConfiguration>(
            Server.BaseUrl + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);
        // What an API does with Microsoft.IdentityModel: its own identifier as the audience, Roster's issuer and keys.
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = orders.Identifier,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidTypes = ["at+jwt"],
            LifetimeValidator = (_, expires, _, _) => expires > Server.Clock.GetUtcNow().UtcDateTime,
        };
        var handler = new JsonWebTokenHandler();
        var valid = await handler.ValidateTokenAsync(forOrders.GetProperty("access_token").GetString(), parameters);
        var otherApi = await handler.ValidateTokenAsync(forBilling.GetProperty("access_token").GetString(), parameters);

        Assert.True(valid.IsValid, valid.Exception?.Message);
        var access = (JsonWebToken)valid.SecurityToken;
        Assert.Equal(user.Id.ToString(), access.Subject);
        Assert.Equal(app.ClientId, access.GetClaim("client_id").Value);
        Assert.Equal("openid orders:read", access.GetClaim("scope").Value);
        Assert.False(string.IsNullOrEmpty(access.Id));
        Assert.Equal(900, (long)(access.ValidTo - access.IssuedAt).TotalSeconds);
        Assert.Equal(900, forOrders.GetProperty("expires_in").GetInt64());
        Assert.False(otherApi.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(otherApi.Exception);
    }

    [Fact]
    public async Task WithoutAResourceTokensStayTheAppsOwn()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Plain");
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var tokens = await TokensAsync(browser, app, "openid profile");

        Assert.Equal(app.ClientId, new JsonWebToken(tokens.GetProperty("access_token").GetString()).Audiences.Single());
    }

    [Theory]
    [InlineData("https://nowhere.example.org/")]
    [InlineData("not a uri")]
    [InlineData("https://api.example.org/#fragment")]
    public async Task AnUnknownResourceIsInvalidTargetAtAuthorizeAndOnEveryGrant(string resource)
    {
        var app = await RelyingParty.RegisterAsync(Server, "Unknown");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var tokens = await TokensAsync(browser, app, "openid");

        using var authorize = await AuthorizeAsync(browser, app, "openid", resource);
        var (credentials, credentialsBody, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["resource"] = resource });
        var (refresh, refreshBody, _) = await app.PostAsync("/oidc/token",
            new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!, ["resource"] = resource });
        using var again = await browser.Http.GetAsync(app.AuthorizeUrl());
        var (code, codeBody, _) = await app.PostAsync("/oidc/token", new()
            { ["grant_type"] = "authorization_code", ["code"] = app.Callback(again)["code"], ["redirect_uri"] = app.RedirectUri, ["resource"] = resource });

        Assert.Equal("invalid_target", app.Callback(authorize)["error"]);
        Assert.False(app.Callback(authorize).ContainsKey("code"));
        foreach (var (status, body) in new[] { (credentials, credentialsBody), (refresh, refreshBody), (code, codeBody) })
        {
            Assert.Equal((HttpStatusCode.BadRequest, "invalid_target"), (status, body.GetProperty("error").GetString()));
            Assert.False(body.TryGetProperty("access_token", out _));
        }
        // The refused refresh spent nothing: the token still works.
        Assert.Equal(HttpStatusCode.OK, (await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!)).Status);
    }

    [Fact]
    public async Task AScopeTheAppMayNotRequestForTheApiIsInvalidScopeOnEveryGrant()
    {
        var api = await RegisterApiAsync(["orders:read", "orders:write"]);
        var app = await RelyingParty.RegisterAsync(Server, "Narrow");
        var stranger = await RelyingParty.RegisterAsync(Server, "Stranger");
        await AllowAsync(api, app, "orders:read");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var tokens = await TokensAsync(browser, app, "openid orders:read", api.Identifier);

        using var authorize = await AuthorizeAsync(browser, app, "openid orders:write", api.Identifier);
        using var strangerAuthorize = await AuthorizeAsync(browser, stranger, "openid orders:read", api.Identifier);
        var (credentials, credentialsBody, _) = await app.PostAsync("/oidc/token",
            new() { ["grant_type"] = "client_credentials", ["resource"] = api.Identifier, ["scope"] = "orders:read orders:write" });
        var (openId, openIdBody, _) = await app.PostAsync("/oidc/token",
            new() { ["grant_type"] = "client_credentials", ["resource"] = api.Identifier, ["scope"] = "openid" });
        var (strangerCredentials, strangerBody, _) = await stranger.PostAsync("/oidc/token",
            new() { ["grant_type"] = "client_credentials", ["resource"] = api.Identifier, ["scope"] = "orders:read" });
        var (refresh, refreshBody, _) = await app.PostAsync("/oidc/token", new()
            { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!, ["scope"] = "openid orders:write" });
        // An administrator withdraws the scope: the grant that had it can no longer be refreshed with it.
        await AllowAsync(api, app, "orders:write");
        var (withdrawn, withdrawnBody, _) = await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);

        Assert.Equal("invalid_scope", app.Callback(authorize)["error"]);
        Assert.Equal("invalid_scope", stranger.Callback(strangerAuthorize)["error"]);
        foreach (var (status, body) in new[] { (credentials, credentialsBody), (openId, openIdBody), (strangerCredentials, strangerBody), (refresh, refreshBody), (withdrawn, withdrawnBody) })
        {
            Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
            Assert.False(body.TryGetProperty("access_token", out _));
        }
    }

    [Fact]
    public async Task ClientCredentialsForAnApiGetTheScopesAllowedAndTheApisAudience()
    {
        var api = await RegisterApiAsync(["orders:read", "orders:write", "orders:admin"], lifetime: 120);
        var machine = await RelyingParty.RegisterAsync(Server, "Batch");
        await AllowAsync(api, machine, "orders:write", "orders:read");

        var (status, body, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["resource"] = api.Identifier });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("orders:read orders:write", body.GetProperty("scope").GetString());
        Assert.Equal(120, body.GetProperty("expires_in").GetInt64());
        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(api.Identifier, access.Audiences.Single());
        Assert.Equal(machine.ClientId, access.Subject);
    }

    [Fact]
    public async Task AnApiIntrospectsItsOwnTokensAndSeesEveryOtherTokenInactive()
    {
        var orders = await RegisterApiAsync(["orders:read"]);
        var billing = await RegisterApiAsync(["billing:read"]);
        var app = await RelyingParty.RegisterAsync(Server, "Desk");
        await AllowAsync(orders, app, "orders:read");
        await AllowAsync(billing, app, "billing:read");
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var forOrders = await TokensAsync(browser, app, "openid orders:read", orders.Identifier);
        var forBilling = await TokensAsync(browser, app, "openid billing:read", billing.Identifier);
        var forApp = await TokensAsync(browser, app, "openid");

        var (ownStatus, own) = await IntrospectAsApiAsync(orders, forOrders.GetProperty("access_token").GetString()!);
        var (_, other) = await IntrospectAsApiAsync(orders, forBilling.GetProperty("access_token").GetString()!);
        var (_, appsOwn) = await IntrospectAsApiAsync(orders, forApp.GetProperty("access_token").GetString()!);
        var (_, refresh) = await IntrospectAsApiAsync(orders, forOrders.GetProperty("refresh_token").GetString()!);
        var (wrongStatus, _) = await IntrospectAsApiAsync(orders, forOrders.GetProperty("access_token").GetString()!, secret: billing.Secret);
        var (tokenStatus, tokenBody, _) = await new RelyingParty(Server, Guid.Empty, orders.ClientId, orders.Secret, "http://127.0.0.1:9/x")
            .PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.True(own.GetProperty("active").GetBoolean());
        Assert.Equal(orders.Identifier, own.GetProperty("aud").GetString());
        Assert.Equal(app.ClientId, own.GetProperty("client_id").GetString());
        Assert.Equal("openid orders:read", own.GetProperty("scope").GetString());
        Assert.False(other.GetProperty("active").GetBoolean());
        Assert.False(appsOwn.GetProperty("active").GetBoolean());
        Assert.False(refresh.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        // The API's credential obtains nothing at the token endpoint.
        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (tokenStatus, tokenBody.GetProperty("error").GetString()));
        // The app the token was issued to may still introspect it, as before.
        Assert.True(await app.IsActiveAsync(forOrders.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task OfflineAccessFromAnAppNotAllowedItIsDroppedAndItsRefreshTokenEndsWithTheSession()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Quiet");
        await RefreshSettingsAsync(app, offlineAccess: false, alwaysIssue: false);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var tokens = await TokensAsync(browser, app, "openid offline_access");

        Assert.Equal("openid", tokens.GetProperty("scope").GetString());
        Assert.False(tokens.TryGetProperty("refresh_token", out _));
        Assert.False(await Server.QueryAsync(db => db.OidcGrants.AnyAsync(g => g.AppId == app.AppId && g.Offline)));
    }

    [Fact]
    public async Task AnAppThatAlwaysGetsRefreshTokensGetsSessionBoundOnesThatEndAtLogout()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Legacy");
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var tokens = await TokensAsync(browser, app, "openid offline_access");
        await SignOutThroughTheAppAsync(browser, app, tokens);

        Assert.Equal("openid", tokens.GetProperty("scope").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), await RefreshStatusAsync(app, tokens));
    }

    [Fact]
    public async Task AnOfflineRefreshTokenStillWorksAfterRpInitiatedLogout()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Sync");
        await RefreshSettingsAsync(app, offlineAccess: true, alwaysIssue: false);
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var tokens = await TokensAsync(browser, app, "openid offline_access");
        var withoutOffline = await TokensAsync(browser, app, "openid");

        await SignOutThroughTheAppAsync(browser, app, tokens);

        Assert.Equal("openid offline_access", tokens.GetProperty("scope").GetString());
        Assert.False(withoutOffline.TryGetProperty("refresh_token", out _));
        var (status, refreshed, _) = await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(refreshed.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task AnOfflineRefreshTokenEndsWhenThePersonIsDisabled()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Sync");
        await RefreshSettingsAsync(app, offlineAccess: true, alwaysIssue: false);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var tokens = await TokensAsync(browser, app, "openid offline_access");

        await Server.WithAsync(async services =>
            (await services.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false)).Succeeded);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), await RefreshStatusAsync(app, tokens));
    }

    [Fact]
    public async Task AnOfflineRefreshTokenEndsWithAPasswordReset()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Sync");
        await RefreshSettingsAsync(app, offlineAccess: true, alwaysIssue: false);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var tokens = await TokensAsync(browser, app, "openid offline_access");

        await Server.WithAsync(async services =>
        {
            var resets = services.GetRequiredService<PasswordReset>();
            var link = (await resets.IssueForAsync(Actor.Operator, user.Id, email: false)).Value!;
            return (await resets.ResetAsync(link[(link.LastIndexOf('/') + 1)..], "a brand new long password")).Succeeded;
        });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), await RefreshStatusAsync(app, tokens));
    }

    [Fact]
    public async Task OnlyAnAdminRegistersAnApiAndABadIdentifierOrScopeChangesNothing()
    {
        var identifier = NewIdentifier();
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        var results = await Server.WithAsync(async services =>
        {
            var apis = services.GetRequiredService<ApiResources>();
            return new[]
            {
                await apis.RegisterAsync(Actor.For(manager), new ApiSettings("Orders", identifier, ["orders:read"], 300)),
                await apis.RegisterAsync(Actor.Operator, new ApiSettings("Orders", "http://api.example.org/", ["orders:read"], 300)),
                await apis.RegisterAsync(Actor.Operator, new ApiSettings("Orders", identifier, ["openid"], 300)),
                await apis.RegisterAsync(Actor.Operator, new ApiSettings("Orders", identifier, ["a\"b"], 300)),
                await apis.RegisterAsync(Actor.Operator, new ApiSettings("Orders", identifier, ["orders:read"], 10)),
                await apis.RegisterAsync(Actor.Operator, new ApiSettings(new string('x', 101), identifier, ["orders:read"], 300)),
            };
        });

        Assert.Equal(ErrorKind.Forbidden, results[0].Errors.Single().Kind);
        Assert.Equal(["api.identifier", "api.scope", "api.scope", "api.lifetime", "api.name"], results[1..].Select(r => r.Errors.Single().Code));
        Assert.False(await Server.QueryAsync(db => db.ApiResources.AnyAsync(a => a.Identifier == identifier)));
    }

    [Fact]
    public async Task TheRestApiRegistersAnApiWithItsSecretOnceAndRefusesABadOneWithProblemDetails()
    {
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(admin);
        var identifier = NewIdentifier();

        using var bad = await api.PostAsJsonAsync("/api/v1/apis/", new { name = "Orders", identifier = "ftp://x", scopes = new[] { "orders:read" } });
        using var created = await api.PostAsJsonAsync("/api/v1/apis/", new { name = "Orders", identifier, scopes = new[] { "orders:read" }, accessTokenLifetimeSeconds = 120 });
        var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = body.GetProperty("api").GetProperty("id").GetGuid();
        using var fixedIdentifier = await api.PatchAsJsonAsync($"/api/v1/apis/{id}", new { identifier = NewIdentifier() });
        using var listed = await api.GetAsync($"/api/v1/apis/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(43, body.GetProperty("clientSecret").GetString()!.Length);
        Assert.Equal(HttpStatusCode.BadRequest, fixedIdentifier.StatusCode);
        var text = await listed.Content.ReadAsStringAsync();
        Assert.Contains(identifier, text);
        Assert.DoesNotContain(body.GetProperty("clientSecret").GetString()!, text);
    }

    private async Task<(HttpStatusCode, string?)> RefreshStatusAsync(RelyingParty app, System.Text.Json.JsonElement tokens)
    {
        var (status, body, _) = await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        return (status, body.TryGetProperty("error", out var error) ? error.GetString() : null);
    }

    /// <summary>RP-initiated logout with the person's own ID token: the sign-out happens at once.</summary>
    private static async Task SignOutThroughTheAppAsync(FormClient browser, RelyingParty app, System.Text.Json.JsonElement tokens)
    {
        using var signedOut = await browser.Http.GetAsync(QueryHelpers.AddQueryString("/oidc/logout",
            new Dictionary<string, string?> { ["id_token_hint"] = tokens.GetProperty("id_token").GetString(), ["client_id"] = app.ClientId }));
        Assert.True(signedOut.IsSuccessStatusCode || signedOut.StatusCode == HttpStatusCode.Redirect, signedOut.StatusCode.ToString());
        using var after = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none" }));
        Assert.Equal("login_required", app.Callback(after)["error"]);
    }
}

public sealed class SqliteApiResourceTests(SqliteRoster fixture) : ApiResourceTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresApiResourceTests(PostgresRoster fixture) : ApiResourceTests(fixture), IClassFixture<PostgresRoster>;
