using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Roster.Apps;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>The consent page and "Apps you allowed" in Chromium on a phone-sized screen (390 px): found by their accessible names, and they fit.</summary>
public sealed class ConsentJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task APersonAllowsAnAppOnANarrowScreenThenRevokesItFromTheirAccount()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("paula", Password);
        await using var site = await TestApp.StartAsync();
        var app = await RelyingParty.RegisterAsync(server, "Planner", redirectUri: site.CallbackUrl);
        Assert.True(await server.WithAsync(async services =>
            (await services.GetRequiredService<AppGrantSettings>().SetConsentAsync(Actor.Operator, app.AppId, required: true)).Succeeded));
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await Chromium.SignInAsync(page, "paula", Password);

        await page.GotoAsync(app.AuthorizeUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Allow Planner?" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Your email address" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the consent page is wider than 390 px");
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        var callback = await site.VisitAsync("/callback");
        Assert.Contains("code=", callback);

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Review or revoke their access" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Apps you allowed" })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "/account/apps is wider than 390 px");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke access for Planner" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planner no longer has access");
        await context.DisposeAsync();
    }
}
