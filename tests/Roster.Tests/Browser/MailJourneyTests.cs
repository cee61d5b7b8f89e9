using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Browser;

/// <summary>
/// The mail directory in Chromium on a phone-sized screen (390 px): an admin adds the domain, a mail manager makes a
/// mailbox with an alias and a list with a group, found by labels and names; a user manager gets no mail at all.
/// </summary>
public sealed class MailJourneyTests
{
    private const string Password = "a long test password";

    [Fact]
    public async Task AMailManagerCreatesAMailboxWithAnAliasAndAListWithAGroupWhileAUserManagerSeesNoMail()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var server = await RosterServer.StartAsync(database);
        await server.CreateUserAsync("mona", Password, Role.MailManager);
        await server.CreateUserAsync("ulf", Password, Role.UserManager);
        var dora = await server.CreateUserAsync("dora", Password);
        var staff = await server.WithAsync(services => services.GetRequiredService<Roster.Groups.GroupChanges>().CreateAsync(Actor.Operator, "staff", "Everyone at work"));
        await server.WithAsync(services => services.GetRequiredService<Roster.Groups.GroupChanges>().AddMembersAsync(Actor.Operator, staff.Value!.Id, [dora.UserName!]));
        await using var chromium = await Chromium.LaunchAsync();
        async Task<IPage> PhoneAsync()
        {
            var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 390, Height = 844 } });
            return await context.NewPageAsync();
        }

        // The owner adds the mail domain.
        var owner = await PhoneAsync();
        await Chromium.SignInAsync(owner, server.Owner.Username, server.Owner.Password);
        await owner.GetByRole(AriaRole.Link, new() { Name = "Mail", Exact = true }).ClickAsync();
        await owner.GetByLabel("New mail domain").FillAsync("example.org");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Add domain" }).ClickAsync();
        await Expect(owner.GetByRole(AriaRole.Status)).ToHaveTextAsync("The mail domain was added.");
        await Expect(owner.GetByRole(AriaRole.List, new() { Name = "Mail domains" })).ToContainTextAsync("example.org");

        // The mail manager makes dora's mailbox with an alias.
        var mail = await PhoneAsync();
        await Chromium.SignInAsync(mail, "mona", Password);
        await mail.GetByRole(AriaRole.Link, new() { Name = "Mail", Exact = true }).ClickAsync();
        await Expect(mail.GetByLabel("New mail domain")).ToHaveCountAsync(0);
        await FitsAsync(mail);
        var newMailbox = mail.GetByRole(AriaRole.Form, new() { Name = "New mailbox" });
        await newMailbox.GetByLabel("Address", new() { Exact = true }).FillAsync("dora@example.org");
        await newMailbox.GetByLabel("Person (username or email)").FillAsync("dora");
        await newMailbox.GetByLabel("Aliases (optional)").FillAsync("d.explorer@example.org");
        await newMailbox.GetByRole(AriaRole.Button, new() { Name = "Create mailbox" }).ClickAsync();
        await Expect(mail.GetByRole(AriaRole.Status)).ToHaveTextAsync("The mailbox was created.");
        await Expect(mail.GetByRole(AriaRole.List, new() { Name = "Aliases" })).ToContainTextAsync("d.explorer@example.org");
        await FitsAsync(mail);

        // A taken address is refused beside its field, with what was typed kept.
        await mail.GetByRole(AriaRole.Link, new() { Name = "Back to mail" }).ClickAsync();
        var newList = mail.GetByRole(AriaRole.Form, new() { Name = "New mailing list" });
        await newList.GetByLabel("Address", new() { Exact = true }).FillAsync("D.Explorer@example.org");
        await newList.GetByRole(AriaRole.Button, new() { Name = "Create list" }).ClickAsync();
        await Expect(newList.GetByLabel("Address", new() { Exact = true })).ToHaveAccessibleDescriptionAsync(
            "D.Explorer@example.org is already an alias of the mailbox dora@example.org (addresses ignore case).");
        await Expect(newList.GetByLabel("Address", new() { Exact = true })).ToHaveValueAsync("D.Explorer@example.org");
        await FitsAsync(mail);

        // The mail manager makes a list and adds the group.
        await newList.GetByLabel("Address", new() { Exact = true }).FillAsync("team@example.org");
        await newList.GetByLabel("Description").FillAsync("The whole team");
        await newList.GetByLabel("Only members may post").CheckAsync();
        await newList.GetByRole(AriaRole.Button, new() { Name = "Create list" }).ClickAsync();
        await Expect(mail.GetByRole(AriaRole.Status)).ToContainTextAsync("The mailing list was created.");
        await mail.GetByLabel("Groups").FillAsync("staff");
        await mail.GetByRole(AriaRole.Button, new() { Name = "Add members" }).ClickAsync();
        await Expect(mail.GetByRole(AriaRole.Status)).ToHaveTextAsync("The members were added.");
        await Expect(mail.GetByRole(AriaRole.Table, new() { Name = "Members" })).ToContainTextAsync("staff");
        await FitsAsync(mail);

        // Both are listed.
        await mail.GetByRole(AriaRole.Link, new() { Name = "Back to mail" }).ClickAsync();
        var mailboxes = mail.GetByRole(AriaRole.Table, new() { Name = "Mailboxes" });
        await Expect(mailboxes.GetByRole(AriaRole.Row, new() { Name = "dora@example.org" })).ToContainTextAsync("d.explorer@example.org");
        await Expect(mailboxes.GetByRole(AriaRole.Row, new() { Name = "dora@example.org" })).ToContainTextAsync("Active");
        var lists = mail.GetByRole(AriaRole.Table, new() { Name = "Mailing lists" });
        await Expect(lists.GetByRole(AriaRole.Row, new() { Name = "team@example.org" })).ToContainTextAsync("Members only");
        await FitsAsync(mail);

        // Dora sees her mailbox and alias on her account page.
        var person = await PhoneAsync();
        await Chromium.SignInAsync(person, "dora", Password);
        await person.GotoAsync("/account");
        await Expect(person.GetByRole(AriaRole.List, new() { Name = "Your mailboxes" })).ToContainTextAsync("dora@example.org");
        await Expect(person.GetByRole(AriaRole.List, new() { Name = "Your mailboxes" })).ToContainTextAsync("d.explorer@example.org");
        await FitsAsync(person);

        // The user manager has no Mail link and is refused the page.
        var users = await PhoneAsync();
        await Chromium.SignInAsync(users, "ulf", Password);
        await Expect(users.GetByRole(AriaRole.Link, new() { Name = "Groups" })).ToBeVisibleAsync();
        await Expect(users.GetByRole(AriaRole.Link, new() { Name = "Mail", Exact = true })).ToHaveCountAsync(0);
        var refused = await users.GotoAsync("/mail");
        Assert.Equal(403, refused!.Status);
    }

    /// <summary>Nothing wider than the screen: no sideways scrolling at 390 px.</summary>
    private static async Task FitsAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"),
            $"{await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15).join('; ')")} {page.Url} is wider than 390 px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px");
}
