using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>The first owner's whole journey in a real browser, with the reset email going through a real SMTP server.</summary>
public sealed class PasswordResetJourneyTests
{
    [Fact]
    public async Task TheOwnerSignsInAndOutResetsThePasswordFromTheEmailAndOnlyTheNewPasswordWorks()
    {
        await using var smtp = await new SmtpSink().StartAsync();
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database, smtp.RosterSettings());
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(server.BaseUrl);
        var owner = server.Owner;
        const string newPassword = "a fresh secret nobody guesses";

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await Chromium.SignInAsync(page, owner.Email, owner.Password);
        await Expect(page.GetByText($"Signed in as {owner.Username}")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are signed out.");

        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await page.GetByLabel("Email or username").FillAsync(owner.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account matches");

        var mail = await Eventually.MailAsync(smtp.Maildir, owner.Email);
        Assert.Equal("Reset your Roster password", mail.Subject);
        Assert.Contains("reset-password", mail.Html);
        var link = mail.Link("/reset-password/");
        await page.GotoAsync(link);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(newPassword);
        await page.GetByLabel("Confirm new password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your password was changed. Sign in with the new one.");

        await Chromium.SignInAsync(page, owner.Username, owner.Password);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The email, username or password is not right.");
        await Chromium.SignInAsync(page, owner.Username, newPassword);
        await Expect(page.GetByText($"Signed in as {owner.Username}")).ToBeVisibleAsync();

        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("expired or was already used");
        await Expect(page.GetByLabel("New password", new() { Exact = true })).ToHaveCountAsync(0);
    }
}
