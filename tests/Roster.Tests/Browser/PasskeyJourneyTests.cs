using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Passkeys with Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain): register, sign in without a password, rename, remove.</summary>
public sealed class PasskeyJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task APersonAddsAPasskeySignsInWithoutAPasswordRenamesItAndRemovesIt()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("pia", Password);
        await using var chromium = await Chromium.LaunchAsync();
        // WebAuthn needs a domain, not an IP address, as the relying party: the same server by the name localhost.
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl.Replace("127.0.0.1", "localhost") });
        var page = await context.NewPageAsync();
        var devTools = await context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await Chromium.SignInAsync(page, "pia", Password);
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage passkeys" }).ClickAsync();
        await page.GetByLabel("Name for the new passkey").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The passkey was added. You can now sign in with it instead of your password.");
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Passkeys" })).ToContainTextAsync("Work laptop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.GetByText("Signed in as Test pia")).ToBeVisibleAsync();

        await page.GotoAsync("/account/passkeys");
        await page.GetByLabel("New name for Work laptop").FillAsync("Old laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename Work laptop" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The passkey was renamed.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove Old laptop" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The passkey was removed.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Your passkeys" })).ToHaveCountAsync(0);

        // The removed passkey no longer signs in, though the authenticator still offers it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That passkey did not sign you in.");
        await context.DisposeAsync();
    }
}
