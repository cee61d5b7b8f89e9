using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// A single-page app on the platform, signing in with oidc-client-ts (npm) in a real browser: a public client
/// with PKCE that redeems codes and refreshes tokens from the page, across origins (CORS), signs in in a
/// popup, and renews silently both with its refresh token and in a hidden iframe with prompt=none.
/// </summary>
public sealed class SpaInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private const string Summary =
        "user => ({ sub: user.profile.sub, userName: user.profile.preferred_username, accessToken: user.access_token, refreshToken: user.refresh_token })";
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task ASinglePageAppSignsInInAPopupAndRenewsSilentlyWithItsRefreshTokenAndInAnIframe()
    {
        var registered = await RelyingParty.RegisterAsync(Server, "Board", confidential: false);
        var user = await Server.CreateUserAsync("spa" + Guid.NewGuid().ToString("N")[..8], Password);
        await using var site = await StartSiteAsync(registered.ClientId);
        await registered.RegisterAddressesAsync($"{site.Origin}/callback.html\n{site.Origin}/silent.html");

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(Server.BaseUrl);
        var sent = new ConcurrentQueue<string>();
        page.Request += (_, request) => sent.Enqueue($"{request.Method} {request.Url} {request.PostData}");
        await page.GotoAsync(site.Origin + "/");
        var popup = await page.RunAndWaitForPopupAsync(() =>
            page.EvaluateAsync("() => { window.signingIn = manager.signinPopup().then(summary); }"));
        await Chromium.SubmitSignInAsync(popup, user.UserName!, Password);
        var signedIn = await page.EvaluateAsync<SignedIn>("() => signingIn");

        Assert.Equal(user.Id.ToString(), signedIn.Sub);
        Assert.Equal(user.UserName, signedIn.UserName);
        Assert.False(string.IsNullOrEmpty(signedIn.RefreshToken), "a public client gets a refresh token");

        sent.Clear();
        var refreshed = await page.EvaluateAsync<SignedIn>("() => manager.signinSilent().then(summary)");
        Assert.Equal(user.Id.ToString(), refreshed.Sub);
        Assert.NotEqual(signedIn.AccessToken, refreshed.AccessToken);
        Assert.False(string.IsNullOrEmpty(refreshed.RefreshToken));
        Assert.NotEqual(signedIn.RefreshToken, refreshed.RefreshToken);
        Assert.Contains(sent, r => r.StartsWith($"POST {Server.BaseUrl}/oidc/token ") && r.Contains("grant_type=refresh_token"));
        Assert.DoesNotContain(sent, r => r.Contains("/oidc/authorize"));

        // Without a refresh token the library can only ask in a hidden iframe, which Roster's session answers.
        sent.Clear();
        var renewed = await page.EvaluateAsync<SignedIn>("async () => { await manager.removeUser(); return summary(await manager.signinSilent()); }");
        Assert.Equal(user.Id.ToString(), renewed.Sub);
        Assert.Equal(user.UserName, renewed.UserName);
        Assert.NotEqual(refreshed.AccessToken, renewed.AccessToken);
        Assert.Contains(sent, r => r.StartsWith($"GET {Server.BaseUrl}/oidc/authorize?") && r.Contains("prompt=none"));
        Assert.Contains(sent, r => r.StartsWith($"GET {site.Origin}/silent.html?code="));
    }

    private sealed record SignedIn
    {
        public string Sub { get; init; } = "";
        public string UserName { get; init; } = "";
        public string AccessToken { get; init; } = "";
        public string? RefreshToken { get; init; }
    }

    /// <summary>The app's static pages: the library's browser build, a page that signs in, and the two pages Roster returns to.</summary>
    private Task<LoopbackSite> StartSiteAsync(string clientId)
    {
        var library = Path.Combine(Repository.Root, "tests", "interop", "spa", "node_modules", "oidc-client-ts", "dist", "browser", "oidc-client-ts.min.js");
        if (!File.Exists(library))
            throw new InvalidOperationException("oidc-client-ts is not installed: run `npm ci` in tests/interop/spa (.ci/run does).");
        string Page(HttpRequest request, string script)
        {
            var origin = $"{request.Scheme}://{request.Host}";
            var settings = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["authority"] = Server.BaseUrl,
                ["client_id"] = clientId,
                ["redirect_uri"] = origin + "/callback.html",
                ["popup_redirect_uri"] = origin + "/callback.html",
                ["silent_redirect_uri"] = origin + "/silent.html",
                ["scope"] = "openid profile email",
                ["response_type"] = "code",
            });
            return $"""
                <!doctype html><title>Board</title>
                <script src="/oidc-client-ts.min.js"></script>
                <script>const manager = new oidc.UserManager({settings}); {script}</script>
                """;
        }
        return LoopbackSite.StartAsync(_ => { }, app =>
        {
            app.MapGet("/oidc-client-ts.min.js", () => Results.File(library, "text/javascript"));
            app.MapGet("/", (HttpRequest request) => Results.Content(Page(request, $"const summary = {Summary};"), "text/html"));
            app.MapGet("/callback.html", (HttpRequest request) => Results.Content(Page(request, "manager.signinPopupCallback();"), "text/html"));
            app.MapGet("/silent.html", (HttpRequest request) => Results.Content(Page(request, "manager.signinSilentCallback();"), "text/html"));
        });
    }
}
