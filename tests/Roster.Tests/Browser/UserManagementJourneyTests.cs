using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>An administrator manages people in a real browser; the invitee accepts from a real email in a browser of their own.</summary>
public sealed class UserManagementJourneyTests
{
    [Fact]
    public async Task AnAdminCreatesInvitesEditsDisablesEnablesAndDeletesPeople()
    {
        await using var smtp = await new SmtpSink().StartAsync();
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database, smtp.RosterSettings());
        await using var chromium = await Chromium.LaunchAsync();
        var admin = await chromium.NewPageAsync(server.BaseUrl);
        var invitee = await chromium.NewPageAsync(server.BaseUrl);

        await Chromium.SignInAsync(admin, server.Owner.Username, server.Owner.Password);

        // Create
        await admin.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Create user" }).ClickAsync();
        await admin.GetByLabel("Email", new() { Exact = true }).FillAsync("grace@example.org");
        await admin.GetByLabel("Username", new() { Exact = true }).FillAsync("grace");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Grace Hopper");
        await admin.GetByLabel("Password", new() { Exact = true }).FillAsync("compilers are friends");
        await admin.GetByLabel("Confirm password").FillAsync("compilers are friends");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The user was created.");

        // Invite, and the invitee accepts from the email
        await admin.GotoAsync("/users/invite");
        await admin.GetByLabel("Email", new() { Exact = true }).FillAsync("ivy@example.org");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Ivy Invitee");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The invitation is on its way.");
        var ivyUrl = admin.Url;

        var mail = await Eventually.MailAsync(smtp.Maildir, "ivy@example.org");
        Assert.Equal("You are invited to Roster", mail.Subject);
        await invitee.GotoAsync(mail.Link("/accept-invitation/"));
        await invitee.GetByLabel("Username", new() { Exact = true }).FillAsync("ivy");
        await invitee.GetByLabel("Password", new() { Exact = true }).FillAsync("a passphrase of her own");
        await invitee.GetByLabel("Confirm password").FillAsync("a passphrase of her own");
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Expect(invitee.GetByRole(AriaRole.Status)).ToContainTextAsync("Your account is ready");
        await Chromium.SignInAsync(invitee, "ivy", "a passphrase of her own");
        await Expect(invitee.GetByText("Signed in as Ivy Invitee")).ToBeVisibleAsync();

        // Edit
        await admin.GotoAsync("/users");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" }).ClickAsync();
        var graceUrl = admin.Url;
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Rear Admiral Grace Hopper");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The profile was saved.");
        await admin.GotoAsync("/users");
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Rear Admiral Grace Hopper" })).ToBeVisibleAsync();

        // Disable: the invitee's open session is thrown out on its next request
        await admin.GotoAsync(ivyUrl);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("disabled");
        await invitee.ReloadAsync();
        await Expect(invitee).ToHaveURLAsync(new Regex("/login"));
        await Chromium.SignInAsync(invitee, "ivy", "a passphrase of her own");
        await Expect(invitee.GetByRole(AriaRole.Alert)).ToContainTextAsync("disabled");

        // Enable
        await admin.GetByRole(AriaRole.Button, new() { Name = "Enable user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The user is enabled again.");
        await Chromium.SignInAsync(invitee, "ivy", "a passphrase of her own");
        await Expect(invitee.GetByText("Signed in as Ivy Invitee")).ToBeVisibleAsync();

        // Delete by typing the name
        await admin.GotoAsync(graceUrl);
        await admin.GetByLabel("Name of the user to delete").FillAsync("Grace Hopper");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Alert)).ToContainTextAsync("Type the name \"Rear Admiral Grace Hopper\" exactly");
        await admin.GetByLabel("Name of the user to delete").FillAsync("Rear Admiral Grace Hopper");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete user" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("1 user was deleted.");
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Rear Admiral Grace Hopper" })).ToHaveCountAsync(0);
        await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "Ivy Invitee" })).ToBeVisibleAsync();
    }
}
