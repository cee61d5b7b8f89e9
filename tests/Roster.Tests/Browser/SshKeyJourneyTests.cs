using Microsoft.Playwright;
using Roster.Tests.Accounts;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>SSH keys in Chromium on a phone-sized screen (390 px): found by their labels and names, added, removed after confirming.</summary>
public sealed class SshKeyJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task APersonAddsAKeyAndRemovesItAfterConfirmingOnANarrowScreen()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("sam", Password);
        var line = (await SshKeygen.NewAsync("rsa", 3072, comment: "sam@a-rather-long-hostname.example.org")).PublicLine;
        var fingerprint = (await SshKeygen.FingerprintLineAsync(line)).Split(' ')[1];
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();

        await Chromium.SignInAsync(page, "sam", Password);
        await page.GotoAsync("/account");
        await FitsAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage SSH keys" }).ClickAsync();
        await page.GetByLabel("Public key").FillAsync(line);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The key was added.");
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Your SSH keys" })).ToContainTextAsync(fingerprint);
        await FitsAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Remove sam@a-rather-long-hostname.example.org" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Remove sam@a-rather-long-hostname.example.org?" })).ToBeVisibleAsync();
        await FitsAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove the key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The key was removed.");
        await Expect(page.GetByText("No SSH keys yet.")).ToBeVisibleAsync();
    }

    /// <summary>Nothing wider than the screen: no sideways scrolling at 390 px.</summary>
    private static async Task FitsAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15).join('; ')")} {page.Url} is wider than {await page.EvaluateAsync<int>("() => window.innerWidth")} px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px");
}
