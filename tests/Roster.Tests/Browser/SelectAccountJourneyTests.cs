using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>prompt=select_account in Chromium on a phone-sized screen (390 px): the choice is found by its accessible names and fits.</summary>
public sealed class SelectAccountJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task APersonChoosesAnotherAccountOnANarrowScreenAndSignsInAsThemForTheSameApp()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("paula", Password);
        var other = await server.CreateUserAsync("quentin", Password);
        await using var site = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(server, "Wiki", redirectUri: site.CallbackUrl);
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await Chromium.SignInAsync(page, "paula", Password);

        await page.GotoAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "select_account" }));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose an account" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue as" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the select-account page is wider than 390 px");

        await page.GetByRole(AriaRole.Button, new() { Name = "Use another account" }).ClickAsync();
        await Chromium.SubmitSignInAsync(page, "quentin", Password);
        var callback = await site.VisitAsync("/callback");
        var (status, body, _) = await app.RedeemAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(callback).Query)["code"].ToString());

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(other.Id.ToString(), new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.GetProperty("id_token").GetString()).Subject);
        await context.DisposeAsync();
    }
}
