using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Oidc;

/// <summary>
/// A .NET app on the platform, signing in with ASP.NET Core's own OpenID Connect handler
/// (Microsoft.AspNetCore.Authentication.OpenIdConnect) as its documentation sets it up: the code flow with
/// the handler's defaults, which are a form-post response, PKCE, client_secret_post and a userinfo call.
/// A real browser does the person's part.
/// </summary>
public sealed class AspNetCoreInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task AnAspNetCoreAppSignsInWithItsDefaultFormPostAndSignsOutThroughRoster()
    {
        var registered = await RelyingParty.RegisterAsync(Server, "Intranet");
        var user = await Server.CreateUserAsync("net" + Guid.NewGuid().ToString("N")[..8], Password);
        await using var site = await StartSiteAsync(registered);
        // Its addresses are known once it listens: the app's administrator registers them in Roster.
        await registered.RegisterAddressesAsync(site.Origin + "/signin-oidc", site.Origin + "/signout-callback-oidc");

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(Server.BaseUrl);
        await page.GotoAsync(site.Origin + "/");
        await Chromium.SubmitSignInAsync(page, user.UserName!, Password);

        // The handler redeemed the posted code, validated the ID token against discovery and called userinfo.
        await Expect(page.Locator("#who")).ToHaveTextAsync($"{user.Id} {user.UserName} {user.Email}");

        await page.GotoAsync(site.Origin + "/sign-out");
        await Expect(page.Locator("#bye")).ToHaveTextAsync("Signed out of the app");
        await page.GotoAsync(Server.BaseUrl + "/");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    private Task<LoopbackSite> StartSiteAsync(RelyingParty registered) => LoopbackSite.StartAsync(builder =>
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(o =>
            {
                o.Authority = Server.BaseUrl;
                o.ClientId = registered.ClientId;
                o.ClientSecret = registered.Secret;
                o.ResponseType = "code";
                o.Scope.Add("email");
                o.GetClaimsFromUserInfoEndpoint = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                // The tests speak plain HTTP on loopback, where a browser drops the handler's default
                // SameSite=None cookies (they must be Secure); the app and Roster share a site here anyway.
                o.RequireHttpsMetadata = false;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }), app =>
        {
            app.UseAuthentication();
            app.MapGet("/", (HttpContext context) => context.User.Identity?.IsAuthenticated == true
                ? Results.Content($"<!doctype html><title>Intranet</title><p id=\"who\">{context.User.FindFirst("sub")?.Value} " +
                    $"{context.User.FindFirst("preferred_username")?.Value} {context.User.FindFirst("email")?.Value}</p>", "text/html")
                : Results.Challenge());
            app.MapGet("/sign-out", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/bye" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));
            app.MapGet("/bye", () => Results.Content("<!doctype html><title>Intranet</title><p id=\"bye\">Signed out of the app</p>", "text/html"));
        });
}
