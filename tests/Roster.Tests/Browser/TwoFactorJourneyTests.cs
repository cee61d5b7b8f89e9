using Microsoft.Playwright;
using Roster.Accounts;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>Two-factor authentication in a real browser: enrolment, sign-in with a code and with a recovery code, and an admin turning it off.</summary>
public sealed class TwoFactorJourneyTests
{
    private const string Password = "a long test password";

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are signed out.");
    }

    private static async Task SecondFactorAsync(IPage page, string code)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in" })).ToBeVisibleAsync();
        await page.GetByLabel("Authentication code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
    }

    [Fact]
    public async Task APersonEnrolsSignsInWithACodeAndWithARecoveryCodeOnceAndAnAdminTurnsItOff()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        var tara = await server.CreateUserAsync("tara", Password);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(page, "tara", Password);
        string Now(byte[] key) => Authenticator.CodeNow(key, server);

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage two-factor authentication" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor authentication" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code of your authenticator key" })).ToBeVisibleAsync();
        var key = Authenticator.KeyFromBase32(await page.Locator("#manual-key").InnerTextAsync());
        await page.GetByLabel("Code from the app").FillAsync(Now(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Two-factor authentication is on.");
        var recovery = await page.GetByRole(AriaRole.List, new() { Name = "Recovery codes" }).Locator("li").AllInnerTextsAsync();
        Assert.Equal(10, recovery.Count);

        // Password, then a code from the app (of a later step: a code works once).
        await SignOutAsync(page);
        await Chromium.SignInAsync(page, "tara", Password);
        server.Clock.Advance(Totp.Step);
        await SecondFactorAsync(page, Now(key));
        await Expect(page.GetByText("Signed in as Test tara")).ToBeVisibleAsync();

        // Password, then a recovery code; the same recovery code is refused the next time.
        await SignOutAsync(page);
        await Chromium.SignInAsync(page, "tara", Password);
        await SecondFactorAsync(page, recovery[0]);
        await Expect(page.GetByText("Signed in as Test tara")).ToBeVisibleAsync();
        await SignOutAsync(page);
        await Chromium.SignInAsync(page, "tara", Password);
        await SecondFactorAsync(page, recovery[0]);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That code is not right");

        // An admin turns it off; Tara is emailed, and her password alone signs her in again.
        var admin = await chromium.NewPageAsync(server.BaseUrl);
        await Chromium.SignInAsync(admin, server.Owner.Username, server.Owner.Password);
        await admin.GotoAsync($"/user/{tara.Id}");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Two-factor authentication was turned off; the user was emailed.");
        var mail = await Eventually.MailAsync(Path.Combine(server.DataPath, "mail"), tara.Email!);
        Assert.Equal("Two-factor sign-in was turned off on your Roster account", mail.Subject);
        await page.GotoAsync("/login");
        await Chromium.SignInAsync(page, "tara", Password);
        await Expect(page.GetByText("Signed in as Test tara")).ToBeVisibleAsync();
        Assert.True(await server.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.AuditEvents,
            e => e.Action == "two-factor.disabled" && e.TargetId == tara.Id && e.ActorName == server.Owner.Username)));
    }
}
