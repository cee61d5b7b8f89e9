using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Oidc;

/// <summary>
/// Single-page apps often sign people in in a popup (oidc-client-ts's signinPopup, MSAL.js's loginPopup):
/// the popup goes through Roster and lands on the app's callback, which hands the result to the window that
/// opened it. That needs <c>window.opener</c> to survive the trip, so no page on the way may isolate itself.
/// </summary>
public sealed class PopupSignInTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task APopupSignInReachesTheAppsCallbackStillConnectedToItsOpener()
    {
        await using var site = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(Server, "Board", redirectUri: site.CallbackUrl);
        var user = await Server.CreateUserAsync("popup" + Guid.NewGuid().ToString("N")[..8], Password);

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(Server.BaseUrl);
        await page.GotoAsync(site.SignedOutUrl);
        var popup = await page.RunAndWaitForPopupAsync(() =>
            page.EvaluateAsync("url => { window.open(url, 'sign-in'); }", Server.BaseUrl + app.AuthorizeUrl()));
        await Chromium.SubmitSignInAsync(popup, user.UserName!, Password);
        await Expect(popup.GetByRole(AriaRole.Heading, new() { Name = "Test app /callback" })).ToBeVisibleAsync();

        Assert.Contains("code=", popup.Url);
        Assert.True(await popup.EvaluateAsync<bool>("() => window.opener !== null"), "the callback lost its opener on the way through Roster");

        // The dashboard's own pages (here the redirect of its home page to sign in) still keep their windows to themselves.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Server.BaseUrl) };
        using var signIn = await http.GetAsync("/login");
        using var home = await http.GetAsync("/");
        Assert.False(signIn.Headers.Contains("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", home.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
    }
}
