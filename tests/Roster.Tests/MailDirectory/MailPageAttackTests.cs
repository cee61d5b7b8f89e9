using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.MailDirectory;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.MailDirectory;

/// <summary>
/// The mail pages against those who should not get through them: roles without mail, a mail manager reaching for an
/// admin's mail, forged posts without the antiforgery token, and ids that belong to something else.
/// </summary>
public sealed class MailPageAttackTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private async Task<string> NewDomainAsync()
    {
        var name = $"x{Unique()}.example.org";
        Assert.True((await Server.WithAsync(services => services.GetRequiredService<MailDomains>().AddAsync(Actor.Operator, name))).Succeeded);
        return name;
    }

    private async Task<Guid> MailboxAsync(string address, string owner, params string[] aliases)
    {
        var created = await Server.WithAsync(services => services.GetRequiredService<Mailboxes>().CreateAsync(Actor.Operator, address, owner, null, aliases));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    private async Task<Guid> ListAsync(string address, params string[] people)
    {
        var created = await Server.WithAsync(services => services.GetRequiredService<MailingLists>()
            .CreateAsync(Actor.Operator, address, "", false, new ListMembers(People: people)));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    /// <summary>Everything the mail directory holds, to compare before and after an attempt.</summary>
    private Task<string> SnapshotAsync() => Server.QueryAsync(async db => string.Join("\n",
        (await db.MailDomains.OrderBy(d => d.Name).Select(d => d.Name).ToListAsync())
        .Concat(await db.MailAddresses.OrderBy(a => a.NormalizedAddress).Select(a => $"{a.Address} {a.Kind} {a.MailboxId} {a.ListId}").ToListAsync())
        .Concat(await db.Mailboxes.OrderBy(m => m.Address).Select(m => $"{m.Address} {m.UserId} {m.GroupId} {m.Enabled}").ToListAsync())
        .Concat(await db.MailingLists.OrderBy(l => l.Address).Select(l => $"{l.Address} {l.Description} {l.MembersOnly}").ToListAsync())
        .Concat(await db.MailingListMembers.OrderBy(m => m.Id).Select(m => $"{m.ListId} {m.UserId} {m.GroupId} {m.Address}").ToListAsync())));

    [Fact]
    public async Task AMailManagerSeesAnAdminsMailboxButCannotChangeHandOverOrDeleteIt()
    {
        var domain = await NewDomainAsync();
        var admin = await Server.CreateUserAsync("boss" + Unique(), Password, Role.Admin);
        var mailbox = await MailboxAsync($"boss@{domain}", admin.UserName!, $"ceo@{domain}");
        var (manager, browser) = await Server.SignedInAsync(Role.MailManager);
        var path = $"/mail/mailbox/{mailbox}";
        var before = await SnapshotAsync();

        var shown = await browser.GetAsync(path);
        Assert.Contains("someone of a higher role", shown.Text);
        Assert.Empty(shown.Document.QuerySelectorAll("form[method=post][action*=handler]"));
        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
        {
            ("Save", new() { ["Address"] = $"mine@{domain}", ["Enabled"] = "false" }),
            ("AddAlias", new() { ["Alias"] = $"boss2@{domain}" }),
            ("RemoveAlias", new() { ["Alias"] = $"ceo@{domain}" }),
            ("HandOver", new() { ["Person"] = manager.UserName! }),
            ("Delete", new() { ["ConfirmAddress"] = $"boss@{domain}" }),
        })
            await browser.SubmitAsync(path, $"{path}?handler={handler}", fields, expect: HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AMailManagerCannotGiveAnAdminAMailboxNorHandOneToThem()
    {
        var domain = await NewDomainAsync();
        var admin = await Server.CreateUserAsync("chief" + Unique(), Password, Role.Admin);
        var user = await Server.CreateUserAsync("plain" + Unique(), Password);
        var mailbox = await MailboxAsync($"plain@{domain}", user.UserName!);
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await SnapshotAsync();

        await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox",
            new Dictionary<string, string> { ["MailboxAddress"] = $"chief@{domain}", ["MailboxPerson"] = admin.UserName! }, expect: HttpStatusCode.Forbidden);
        await browser.SubmitAsync($"/mail/mailbox/{mailbox}", $"/mail/mailbox/{mailbox}?handler=HandOver",
            new Dictionary<string, string> { ["Person"] = admin.Email! }, expect: HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData(Role.User)]
    [InlineData(Role.UserManager)]
    public async Task ARoleWithoutMailIsRefusedEveryMailPageAndHandlerAndSeesNoMailLink(Role role)
    {
        var domain = await NewDomainAsync();
        var owner = await Server.CreateUserAsync("owner" + Unique(), Password);
        var mailbox = await MailboxAsync($"box@{domain}", owner.UserName!, $"alias@{domain}");
        var list = await ListAsync($"list@{domain}", owner.UserName!);
        var memberId = await Server.QueryAsync(db => db.MailingListMembers.Where(m => m.ListId == list).Select(m => m.Id).SingleAsync());
        var (_, browser) = await Server.SignedInAsync(role);
        var before = await SnapshotAsync();

        var home = await browser.GetAsync("/");
        Assert.DoesNotContain(home.Document.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/mail");
        foreach (var page in new[] { "/mail", $"/mail/mailbox/{mailbox}", $"/mail/list/{list}" })
            await browser.GetAsync(page, HttpStatusCode.Forbidden);
        foreach (var (path, fields) in new (string, Dictionary<string, string>)[]
        {
            ("/mail?handler=AddDomain", new() { ["DomainName"] = $"y{Unique()}.example.org" }),
            ("/mail?handler=RemoveDomain", new() { ["DomainId"] = (await Server.QueryAsync(db => db.MailDomains.Where(d => d.Name == domain).Select(d => d.Id).SingleAsync())).ToString() }),
            ("/mail?handler=CreateMailbox", new() { ["MailboxAddress"] = $"new@{domain}", ["MailboxPerson"] = owner.UserName! }),
            ("/mail?handler=CreateList", new() { ["ListAddress"] = $"new-list@{domain}" }),
            ($"/mail/mailbox/{mailbox}?handler=Save", new() { ["Address"] = $"moved@{domain}", ["Enabled"] = "false" }),
            ($"/mail/mailbox/{mailbox}?handler=AddAlias", new() { ["Alias"] = $"more@{domain}" }),
            ($"/mail/mailbox/{mailbox}?handler=RemoveAlias", new() { ["Alias"] = $"alias@{domain}" }),
            ($"/mail/mailbox/{mailbox}?handler=HandOver", new() { ["Person"] = owner.UserName! }),
            ($"/mail/mailbox/{mailbox}?handler=Delete", new() { ["ConfirmAddress"] = $"box@{domain}" }),
            ($"/mail/list/{list}?handler=Save", new() { ["Description"] = "taken over", ["MembersOnly"] = "true" }),
            ($"/mail/list/{list}?handler=AddMembers", new() { ["Addresses"] = "outsider@example.net" }),
            ($"/mail/list/{list}?handler=RemoveMember", new() { ["MemberId"] = memberId.ToString() }),
            ($"/mail/list/{list}?handler=Delete", new() { ["ConfirmAddress"] = $"list@{domain}" }),
        })
            // The token comes from a page the role may open: the refusal must be the role's, not a missing token's.
            await browser.SubmitAsync("/account", path, fields, expect: HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AUserManagerCannotDeleteOrTakeSomeonesMailboxesByDeletingThem()
    {
        var domain = await NewDomainAsync();
        var person = await Server.CreateUserAsync("keeps" + Unique(), Password);
        var (manager, browser) = await Server.SignedInAsync(Role.UserManager);
        await MailboxAsync($"keeps@{domain}", person.UserName!);
        var path = $"/user/{person.Id}";
        var before = await SnapshotAsync();

        var form = await browser.GetAsync(path);
        var unanswered = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = person.Name }, expect: HttpStatusCode.BadRequest);
        await browser.SubmitAsync(path, path + "?handler=Delete",
            new Dictionary<string, string> { ["ConfirmName"] = person.Name, ["Mailboxes"] = "delete" }, expect: HttpStatusCode.Forbidden);
        await browser.SubmitAsync(path, path + "?handler=Delete",
            new Dictionary<string, string> { ["ConfirmName"] = person.Name, ["Mailboxes"] = "hand-over", ["MailboxesTo"] = manager.UserName! }, expect: HttpStatusCode.Forbidden);
        await browser.SubmitAsync($"/users/delete?ids={person.Id}", "/users/delete",
            new Dictionary<string, string> { ["ids"] = person.Id.ToString(), ["Mailboxes"] = "delete" });

        Assert.Null(form.Document.GetElementById("mailboxes-to"));
        Assert.Contains("only they can delete this account", form.Text);
        Assert.Contains(unanswered.Errors, e => e.Contains($"owns the mailbox keeps@{domain}"));
        Assert.NotNull(await Server.FindStoredUserAsync(person.Id));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task TheMailLinkIsShownToMailManagersAdminsAndOwners()
    {
        foreach (var role in new[] { Role.MailManager, Role.Admin, Role.Owner })
        {
            var (_, browser) = await Server.SignedInAsync(role);
            var home = await browser.GetAsync("/");
            Assert.Contains(home.Document.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/mail" && a.TextContent == "Mail");
        }
    }

    [Fact]
    public async Task AMailManagerCannotAddOrRemoveMailDomains()
    {
        var domain = await NewDomainAsync();
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var id = await Server.QueryAsync(db => db.MailDomains.Where(d => d.Name == domain).Select(d => d.Id).SingleAsync());
        var before = await SnapshotAsync();

        var confirm = await browser.GetAsync($"/mail?remove={id}");
        await browser.SubmitAsync("/mail", "/mail?handler=AddDomain", new Dictionary<string, string> { ["DomainName"] = $"z{Unique()}.example.org" }, expect: HttpStatusCode.Forbidden);
        await browser.SubmitAsync("/mail", "/mail?handler=RemoveDomain", new Dictionary<string, string> { ["DomainId"] = id.ToString() }, expect: HttpStatusCode.Forbidden);

        Assert.Null(confirm.Document.GetElementById("remove-domain-heading"));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AMailFormPostedWithoutTheAntiforgeryTokenIsRefused()
    {
        var domain = await NewDomainAsync();
        var owner = await Server.CreateUserAsync("forged" + Unique(), Password);
        var mailbox = await MailboxAsync($"forged@{domain}", owner.UserName!);
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var before = await SnapshotAsync();

        await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox",
            new Dictionary<string, string> { ["MailboxAddress"] = $"new@{domain}", ["MailboxPerson"] = owner.UserName! }, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
        await browser.SubmitAsync("/mail", "/mail?handler=AddDomain",
            new Dictionary<string, string> { ["DomainName"] = $"f{Unique()}.example.org" }, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
        await browser.SubmitAsync($"/mail/mailbox/{mailbox}", $"/mail/mailbox/{mailbox}?handler=Delete",
            new Dictionary<string, string> { ["ConfirmAddress"] = $"forged@{domain}" }, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AnAliasOrMemberOfAnotherMailboxOrListIsNotFoundThroughThisOne()
    {
        var domain = await NewDomainAsync();
        var owner = await Server.CreateUserAsync("ids" + Unique(), Password);
        var mine = await MailboxAsync($"mine@{domain}", owner.UserName!);
        await MailboxAsync($"other@{domain}", owner.UserName!, $"other-alias@{domain}");
        var myList = await ListAsync($"my-list@{domain}");
        var otherList = await ListAsync($"other-list@{domain}", owner.UserName!);
        var otherMember = await Server.QueryAsync(db => db.MailingListMembers.Where(m => m.ListId == otherList).Select(m => m.Id).SingleAsync());
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await SnapshotAsync();

        await browser.SubmitAsync($"/mail/mailbox/{mine}", $"/mail/mailbox/{mine}?handler=RemoveAlias",
            new Dictionary<string, string> { ["Alias"] = $"other-alias@{domain}" }, expect: HttpStatusCode.NotFound);
        await browser.SubmitAsync($"/mail/list/{myList}", $"/mail/list/{myList}?handler=RemoveMember",
            new Dictionary<string, string> { ["MemberId"] = otherMember.ToString() }, expect: HttpStatusCode.NotFound);
        await browser.GetAsync($"/mail/mailbox/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        await browser.GetAsync($"/mail/list/{Guid.NewGuid()}", HttpStatusCode.NotFound);

        Assert.Equal(before, await SnapshotAsync());
    }
}
