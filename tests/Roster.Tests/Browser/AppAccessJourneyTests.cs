using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Groups decide who sees an app; an app operator configures that app and nothing else.</summary>
public sealed class AppAccessJourneyTests
{
    [Fact]
    public async Task AnAppRestrictedToOneGroupShowsOnlyToItsMembersAndItsOperatorEditsOnlyIt()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        const string password = "a long test password";
        await server.CreateUserAsync("mia", password);
        await server.CreateUserAsync("noah", password);
        await server.CreateUserAsync("olga", password);
        await using var chromium = await Chromium.LaunchAsync();
        var admin = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(admin, server.Owner.Username, server.Owner.Password);

        // Two groups; Mia joins the first.
        foreach (var group in new[] { "editors", "readers" })
        {
            await admin.GetByRole(AriaRole.Link, new() { Name = "Groups", Exact = true }).ClickAsync();
            await admin.GetByLabel("Group name").FillAsync(group);
            await admin.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The group was created.");
        }
        await admin.GotoAsync("/groups");
        await admin.GetByRole(AriaRole.Link, new() { Name = "editors" }).ClickAsync();
        await admin.GetByRole(AriaRole.Textbox, new() { Name = "Add members" }).FillAsync("mia");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add members" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The members were added.");

        // Two apps: the wiki for editors only, operated by Olga; the chat for everyone.
        await RegisterAsync(admin, "Wiki", "https://wiki.example.org", group: "editors");
        var wikiUrl = admin.Url;
        await admin.GetByRole(AriaRole.Textbox, new() { Name = "Operators" }).FillAsync("olga");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save operators" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The operators were saved.");
        await RegisterAsync(admin, "Chat", "https://chat.example.org", group: null);

        var mia = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(mia, "mia", password);
        await Expect(mia.GetByRole(AriaRole.Heading, new() { Name = "Wiki" })).ToBeVisibleAsync();
        await Expect(mia.GetByRole(AriaRole.Link, new() { Name = "Launch app Wiki" })).ToHaveAttributeAsync("href", "https://wiki.example.org");
        await Expect(mia.GetByRole(AriaRole.Heading, new() { Name = "Chat" })).ToBeVisibleAsync();

        var noah = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(noah, "noah", password);
        await Expect(noah.GetByRole(AriaRole.Heading, new() { Name = "Chat" })).ToBeVisibleAsync();
        await Expect(noah.GetByRole(AriaRole.Heading, new() { Name = "Wiki" })).ToHaveCountAsync(0);
        await Expect(noah.GetByRole(AriaRole.Link, new() { Name = "Apps", Exact = true })).ToHaveCountAsync(0);

        // Olga operates the wiki: she may rename it, but not touch the chat, groups or anyone.
        var olga = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(olga, "olga", password);
        await olga.GetByRole(AriaRole.Link, new() { Name = "Apps", Exact = true }).ClickAsync();
        await Expect(olga.GetByRole(AriaRole.Link, new() { Name = "Chat" })).ToHaveCountAsync(0);
        await olga.GetByRole(AriaRole.Link, new() { Name = "Wiki" }).ClickAsync();
        await olga.GetByLabel("App name").FillAsync("Team wiki");
        await olga.GetByRole(AriaRole.Button, new() { Name = "Save app" }).ClickAsync();
        await Expect(olga.GetByRole(AriaRole.Status)).ToHaveTextAsync("The app was saved.");
        await Expect(olga.GetByRole(AriaRole.Button, new() { Name = "Delete app" })).ToHaveCountAsync(0);
        await Expect(olga.GetByRole(AriaRole.Button, new() { Name = "Save operators" })).ToHaveCountAsync(0);
        var chatId = Regex.Match(admin.Url, "/app/([0-9a-f-]+)").Groups[1].Value;
        var forbidden = await olga.GotoAsync($"/app/{chatId}");
        Assert.Equal(403, forbidden!.Status);
        await olga.GotoAsync("/groups");
        await Expect(olga.GetByRole(AriaRole.Button, new() { Name = "Create group" })).ToHaveCountAsync(0);

        await mia.ReloadAsync();
        await Expect(mia.GetByRole(AriaRole.Heading, new() { Name = "Team wiki" })).ToBeVisibleAsync();
        await admin.GotoAsync(wikiUrl);
        await Expect(admin.GetByLabel("App name")).ToHaveValueAsync("Team wiki");
    }

    private static async Task RegisterAsync(IPage admin, string name, string url, string? group)
    {
        await admin.GotoAsync("/apps");
        await admin.GetByLabel("App name").FillAsync(name);
        await admin.GetByLabel("Launch URL").FillAsync(url);
        if (group is not null)
        {
            await admin.GetByLabel("Members of these groups:").CheckAsync();
            await admin.GetByLabel(group, new() { Exact = true }).CheckAsync();
        }
        await admin.GetByRole(AriaRole.Button, new() { Name = "Register app" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The app was registered.");
    }
}
