using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>An admin imports people from a CSV in Chromium on a phone-sized screen (390 px): found by labels and names, previewed, confirmed.</summary>
public sealed class ImportJourneyTests
{
    [Fact]
    public async Task AnAdminPreviewsAndConfirmsACsvImportOnANarrowScreen()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("ines", "a long test password", Role.Admin);
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();

        await Chromium.SignInAsync(page, "ines", "a long test password");
        await page.GotoAsync("/users");
        await page.GetByRole(AriaRole.Link, new() { Name = "Import users" }).ClickAsync();
        await FitsAsync(page);
        var csv = "username,email,name,groups,password_hash\n" +
            "grace,grace.hopper@a-rather-long-domain-name.example.org,Grace Brewster Murray Hopper,navy;compilers,{SSHA}jerJJ9Smd+deKoNrU2pgTDEicYaUZ/pI\n" +
            "alan,alan@example.org,Alan Turing,compilers,\n";
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "people.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the file" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("4 to create, 0 to change, 0 to skip");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Preview" })).ToContainTextAsync("grace");
        await FitsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Import: 4 to create, 0 to change" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 users were imported.");
        await Expect(page.GetByText("Grace Brewster Murray Hopper")).ToBeVisibleAsync();
    }

    /// <summary>Nothing wider than the screen: no sideways scrolling at 390 px (the preview table scrolls inside its own region).</summary>
    private static async Task FitsAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} is wider than {await page.EvaluateAsync<int>("() => window.innerWidth")} px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px");
}
