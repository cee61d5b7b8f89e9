using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// An app registered in Roster, speaking the protocol by hand over HTTP: enough to provoke each error the
/// specs define. The interop tests use a real relying-party library instead.
/// </summary>
public sealed class RelyingParty(RosterServer server, Guid appId, string clientId, string? secret, string redirectUri)
{
    public Guid AppId { get; } = appId;
    public string ClientId { get; } = clientId;
    public string? Secret { get; } = secret;
    public string RedirectUri { get; } = redirectUri;

    public static async Task<RelyingParty> RegisterAsync(RosterServer server, string name = "Notes", bool confidential = true,
        AppAccess access = AppAccess.Everyone, Guid[]? groups = null, string? backChannelLogoutUri = null, string? postLogoutRedirectUri = null,
        string algorithm = "RS256", string? redirectUri = null, string[]? apiScopes = null,
        bool requirePkce = false, bool deviceGrant = false)
    {
        redirectUri ??= $"http://127.0.0.1:9/{name.ToLowerInvariant()}/callback";
        await using var scope = server.App.Services.CreateAsyncScope();
        var registered = await scope.ServiceProvider.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings(name, $"https://{name.ToLowerInvariant()}.example.org", "", DirectoryMode.UseRoster, access, groups ?? []));
        var app = registered.Value ?? throw new InvalidOperationException(string.Join(" ", registered.Errors.Select(e => e.Message)));
        await SaveSignOnAsync(server, app.Id, new SignOnSettings(redirectUri, postLogoutRedirectUri, backChannelLogoutUri, algorithm, apiScopes, requirePkce));
        var secret = confidential ? (await scope.ServiceProvider.GetRequiredService<AppSignOn>().NewSecretAsync(Actor.Operator, app.Id)).Value : null;
        if (deviceGrant)
            Assert.True((await scope.ServiceProvider.GetRequiredService<AppGrantSettings>().SetDeviceGrantAsync(Actor.Operator, app.Id, allowed: true)).Succeeded);
        return new RelyingParty(server, app.Id, app.ClientId, secret, redirectUri);
    }

    /// <summary>
    /// Registers the app's real addresses (one redirect URI a line), once a test's own site listens and knows
    /// its origin, as an administrator would. <see cref="RedirectUri"/> keeps the placeholder it was registered with.
    /// </summary>
    public Task RegisterAddressesAsync(string redirectUris, string? postLogoutRedirectUri = null) =>
        SaveSignOnAsync(server, AppId, new SignOnSettings(redirectUris, postLogoutRedirectUri, null, "RS256"));

    private static async Task SaveSignOnAsync(RosterServer server, Guid appId, SignOnSettings settings)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var saved = await scope.ServiceProvider.GetRequiredService<AppSignOn>().UpdateAsync(Actor.Operator, appId, settings);
        Assert.True(saved.Succeeded, string.Join(" ", saved.Errors.Select(e => e.Message)));
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>The authorization request's URL, with overrides (a null value leaves the parameter out).</summary>
    public string AuthorizeUrl(IDictionary<string, string?>? overrides = null, string? challenge = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid profile email groups",
            ["state"] = "state-123",
            ["nonce"] = "nonce-456",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = challenge is null ? null : "S256",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            parameters[key] = value;
        return QueryHelpers.AddQueryString("/oidc/authorize", parameters.Where(p => p.Value is not null)!);
    }

    /// <summary>The parameters Roster sent back to the redirect URI.</summary>
    public Dictionary<string, string> Callback(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(RedirectUri + "?", location);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>A code for the person signed in on <paramref name="browser"/>.</summary>
    public async Task<string> CodeAsync(FormClient browser, string? challenge = null)
    {
        using var response = await browser.Http.GetAsync(AuthorizeUrl(challenge: challenge));
        var callback = Callback(response);
        Assert.Equal("state-123", callback["state"]);
        return callback["code"];
    }

    /// <summary>POSTs <paramref name="form"/> to <paramref name="path"/> as this client; <paramref name="repeats"/> go after it, and may repeat its fields.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(
        string path, Dictionary<string, string> form, bool basic = true, IEnumerable<KeyValuePair<string, string>>? repeats = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        form = new Dictionary<string, string>(form);
        if (Secret is not null && basic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(Secret)}")));
        else if (!form.ContainsKey("client_id"))
        {
            form["client_id"] = ClientId;
            if (Secret is not null)
                form["client_secret"] = Secret;
        }
        request.Content = new FormUrlEncodedContent(form.Concat(repeats ?? []));
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.StartsWith('<'))
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} with a page, not JSON: {text[..Math.Min(text.Length, 2000)]}");
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RedeemAsync(string code, string? verifier = null, string? redirectUri = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri ?? RedirectUri };
        if (verifier is not null)
            form["code_verifier"] = verifier;
        return PostAsync("/oidc/token", form);
    }

    public Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RefreshAsync(string refreshToken) =>
        PostAsync("/oidc/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public async Task<bool> IsActiveAsync(string token)
    {
        var (status, body, _) = await PostAsync("/oidc/introspect", new() { ["token"] = token });
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("active").GetBoolean();
    }

    public async Task<HttpStatusCode> UserInfoStatusAsync(string accessToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.GetAsync("/oidc/userinfo");
        return response.StatusCode;
    }
}
