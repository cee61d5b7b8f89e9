using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Browser;

/// <summary>App passwords on a phone-sized screen, by their accessible names: made, shown once, used over LDAP, revoked after confirming.</summary>
public sealed class AppPasswordJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task APersonMakesAnAppPasswordOnANarrowScreenUsesItAndRevokesItAfterConfirming()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("paula", Password);
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();

        await Chromium.SignInAsync(page, "paula", Password);
        await page.GotoAsync("/account");
        await page.GetByLabel("Name of the new app password").FillAsync("Phone mail");
        await page.GetByLabel("Works for").SelectOptionAsync(new SelectOptionValue { Label = "Any app that signs in over LDAP" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create app password" }).ClickAsync();
        var shown = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your new app password" });
        await Expect(shown).ToContainTextAsync("shown only this once");
        var secret = (await shown.Locator("code").TextContentAsync())!.Trim();
        var section = page.Locator("section[aria-labelledby=app-passwords-heading]");
        var overflow = await section.EvaluateAsync<bool>("s => s.scrollWidth > s.clientWidth");

        Assert.False(overflow, "the app passwords section is wider than a 390 px screen");
        Assert.Equal(0, (await RunAsync("ldapwhoami", "-x", "-H", Url(server), "-D", UserDn("paula"), "-w", secret)).ExitCode);

        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "App passwords" })).ToContainTextAsync("Phone mail");
        await Expect(page.GetByText(secret)).ToHaveCountAsync(0);
        var revoke = page.GetByRole(AriaRole.Button, new() { Name = "Revoke “Phone mail”" });
        await Expect(revoke).ToBeHiddenAsync();
        await page.GetByText("Revoke Phone mail…").ClickAsync();
        await revoke.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The app password was revoked; apps using it can no longer sign in with it.");
        Assert.Equal(49, (await RunAsync("ldapwhoami", "-x", "-H", Url(server), "-D", UserDn("paula"), "-w", secret)).ExitCode);
        await context.DisposeAsync();
    }
}
