using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Roster.Apps;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>The API pages in Chromium on a phone-sized screen (390 px): found by their accessible names, and they fit.</summary>
public sealed class ApiJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task AnAdminRegistersAnApiAndGivesAnAppAScopeOnANarrowScreen()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("ada", Password, Role.Admin);
        var app = await server.WithAsync(async services => (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings("Shop", "https://shop.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, []))).Value!.Id);
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await Chromium.SignInAsync(page, "ada", Password);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "APIs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "APIs", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("No APIs are registered yet.")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "/apis is wider than 390 px");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Orders");
        await page.GetByLabel("Identifier", new() { Exact = true }).FillAsync("https://orders-and-invoices.internal-services.example.org/v1/orders/");
        await page.GetByLabel("Scopes", new() { Exact = true }).FillAsync("orders:read\norders:write");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register API" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Orders was registered");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "APIs" })).ToContainTextAsync("https://orders-and-invoices.internal-services.example.org/v1/orders/");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "/apis with a new secret is wider than 390 px");

        await page.GetByRole(AriaRole.Link, new() { Name = "Choose which apps may request its scopes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("App", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Shop" });
        await page.GetByRole(AriaRole.Group, new() { Name = "Scopes it may request" }).GetByLabel("orders:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Give access" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The app's scopes were saved.");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Scopes for Shop" }).GetByLabel("orders:read")).ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Scopes for Shop" }).GetByLabel("orders:write")).Not.ToBeCheckedAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "/apis/{id} is wider than 390 px");
        Assert.Equal("orders:read", await server.QueryAsync(db => db.ApiResourceAccess.Where(a => a.AppId == app).Select(a => a.Scopes).SingleAsync()));
        await context.DisposeAsync();
    }
}
