using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.MailDirectory;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.MailDirectory;

/// <summary>
/// The mail pages with a plain browser: bad input is refused with a message beside its field, what was typed stays,
/// and nothing is stored; deletes confirm; a person's mailboxes are decided when they are deleted and shown on /account.
/// </summary>
public abstract class MailPagesTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private async Task<(int Addresses, int Mailboxes, int Lists, int Members)> CountsAsync() => await Server.QueryAsync(async db =>
        (await db.MailAddresses.CountAsync(), await db.Mailboxes.CountAsync(), await db.MailingLists.CountAsync(), await db.MailingListMembers.CountAsync()));

    /// <summary>A mail domain of this test alone, so tests sharing the server never meet each other's addresses.</summary>
    private async Task<string> NewDomainAsync()
    {
        var name = $"m{Unique()}.example.org";
        var added = await Server.WithAsync(services => services.GetRequiredService<MailDomains>().AddAsync(Actor.Operator, name));
        Assert.True(added.Succeeded);
        return name;
    }

    private async Task<Guid> MailboxAsync(string address, string owner, params string[] aliases)
    {
        var created = await Server.WithAsync(services => services.GetRequiredService<Mailboxes>().CreateAsync(Actor.Operator, address, owner, null, aliases));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    private async Task<Guid> ListAsync(string address)
    {
        var created = await Server.WithAsync(services => services.GetRequiredService<MailingLists>().CreateAsync(Actor.Operator, address, "", false));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    private static Dictionary<string, string> NewMailbox(string address, string person = "", string group = "", string aliases = "") => new()
    {
        ["MailboxAddress"] = address, ["MailboxPerson"] = person, ["MailboxGroup"] = group, ["MailboxAliases"] = aliases,
    };

    /// <summary>The value an input shows and the message beside it (the paragraph the input names in aria-describedby).</summary>
    private static (string? Value, string? Message) Field(Page page, string id)
    {
        var input = page.Document.GetElementById(id)!;
        var describedBy = input.GetAttribute("aria-describedby");
        var message = describedBy is null ? null : page.Document.GetElementById(describedBy.Split(' ')[0]);
        return (input.LocalName == "textarea" ? input.TextContent : input.GetAttribute("value"), message?.ClassList.Contains("field-error") == true ? message.TextContent : null);
    }

    [Fact]
    public async Task AMailboxOutsideTheMailDomainsIsRefusedBesideItsFieldAndNothingIsStored()
    {
        await NewDomainAsync();
        var person = await Server.CreateUserAsync("out" + Unique(), Password);
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox("sales@elsewhere.example.net", person.UserName!), expect: HttpStatusCode.BadRequest);

        var (value, message) = Field(page, "mailbox-address");
        Assert.Equal("sales@elsewhere.example.net", value);
        Assert.Contains("elsewhere.example.net is not a mail domain of Roster", message);
        Assert.Contains(page.Errors, e => e.Contains("is not a mail domain of Roster"));
        Assert.Equal(person.UserName, Field(page, "mailbox-person").Value);
        // The list form names its field "Address" too; the message stays with the form that was sent.
        Assert.Null(Field(page, "list-address").Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AnAddressAnAliasAlreadyHasInOtherCaseIsRefusedForAMailboxAnAliasAndAList()
    {
        var domain = await NewDomainAsync();
        var alice = await Server.CreateUserAsync("alice" + Unique(), Password);
        var bob = await Server.CreateUserAsync("bob" + Unique(), Password);
        await MailboxAsync($"a.{alice.UserName}@{domain}", alice.UserName!, $"alice@{domain}");
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await CountsAsync();
        var taken = $"ALICE@{domain.ToUpperInvariant()}";

        var asMailbox = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox(taken, bob.UserName!), expect: HttpStatusCode.BadRequest);
        var asAlias = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox($"bob@{domain}", bob.UserName!, aliases: $"b@{domain}, {taken}"),
            expect: HttpStatusCode.BadRequest);
        var asList = await browser.SubmitAsync("/mail", "/mail?handler=CreateList", new Dictionary<string, string> { ["ListAddress"] = taken, ["ListDescription"] = "Everyone" },
            expect: HttpStatusCode.BadRequest);

        Assert.Contains($"is already an alias of the mailbox a.{alice.UserName}@{domain}", Field(asMailbox, "mailbox-address").Message);
        Assert.Equal(taken, Field(asMailbox, "mailbox-address").Value);
        Assert.Contains("is already an alias of the mailbox", Field(asAlias, "mailbox-aliases").Message);
        Assert.Equal($"b@{domain}, {taken}", Field(asAlias, "mailbox-aliases").Value?.Trim());
        Assert.Contains("is already an alias of the mailbox", Field(asList, "list-address").Message);
        Assert.Equal(taken, Field(asList, "list-address").Value);
        Assert.Equal("Everyone", Field(asList, "list-description").Value);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AnAliasAddedOnTheMailboxPageThatAListHasIsRefused()
    {
        var domain = await NewDomainAsync();
        var owner = await Server.CreateUserAsync("own" + Unique(), Password);
        var mailbox = await MailboxAsync($"own@{domain}", owner.UserName!);
        await ListAsync($"team@{domain}");
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await CountsAsync();

        var page = await browser.SubmitAsync($"/mail/mailbox/{mailbox}", $"/mail/mailbox/{mailbox}?handler=AddAlias",
            new Dictionary<string, string> { ["Alias"] = $"Team@{domain}" }, expect: HttpStatusCode.BadRequest);

        Assert.Contains($"is already the mailing list team@{domain}", Field(page, "alias").Message);
        Assert.Equal($"Team@{domain}", Field(page, "alias").Value);
        Assert.Equal(before, await CountsAsync());
    }

    public static TheoryData<string, string> MalformedAddresses() => new()
    {
        { "a..b@{0}", "cannot be the part before the @" },
        { ".alice@{0}", "cannot be the part before the @" },
        { "alice.@{0}", "cannot be the part before the @" },
        { "al ice@{0}", "cannot be the part before the @" },
        { "-@", "is not an email address" },
        { "@{0}", "is not an email address" },
        { new string('a', 65) + "@{0}", "at most 64 characters" },
    };

    [Theory]
    [MemberData(nameof(MalformedAddresses))]
    public async Task AMalformedAddressIsRefusedOnTheMailboxAndListForms(string template, string expected)
    {
        var domain = await NewDomainAsync();
        var address = string.Format(template, domain);
        var person = await Server.CreateUserAsync("lp" + Unique(), Password);
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var before = await CountsAsync();

        var mailbox = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox(address, person.UserName!), expect: HttpStatusCode.BadRequest);
        var list = await browser.SubmitAsync("/mail", "/mail?handler=CreateList", new Dictionary<string, string> { ["ListAddress"] = address }, expect: HttpStatusCode.BadRequest);

        Assert.Contains(expected, Field(mailbox, "mailbox-address").Message);
        Assert.Equal(address, Field(mailbox, "mailbox-address").Value);
        Assert.Contains(expected, Field(list, "list-address").Message);
        Assert.Equal(address, Field(list, "list-address").Value);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AListCannotHaveItsOwnAddressAsAMemberDirectlyOrThroughAnotherList()
    {
        var domain = await NewDomainAsync();
        var outer = await ListAsync($"outer@{domain}");
        var inner = await ListAsync($"inner@{domain}");
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        await browser.SubmitAsync($"/mail/list/{outer}", $"/mail/list/{outer}?handler=AddMembers", new Dictionary<string, string> { ["Addresses"] = $"inner@{domain}" });
        var before = await CountsAsync();

        var itself = await browser.SubmitAsync($"/mail/list/{outer}", $"/mail/list/{outer}?handler=AddMembers",
            new Dictionary<string, string> { ["Addresses"] = $"friend@example.net, OUTER@{domain}" }, expect: HttpStatusCode.BadRequest);
        var loop = await browser.SubmitAsync($"/mail/list/{inner}", $"/mail/list/{inner}?handler=AddMembers",
            new Dictionary<string, string> { ["Addresses"] = $"outer@{domain}" }, expect: HttpStatusCode.BadRequest);

        Assert.Contains("cannot be a member of itself", Field(itself, "addresses").Message);
        Assert.Equal($"friend@example.net, OUTER@{domain}", Field(itself, "addresses").Value?.Trim());
        Assert.Contains($"would contain itself through outer@{domain} → inner@{domain}", Field(loop, "addresses").Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AMailboxForAPersonWhoDoesNotExistIsRefused()
    {
        var domain = await NewDomainAsync();
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var nobody = "nobody" + Unique();
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox($"ghost@{domain}", nobody, aliases: $"spook@{domain}"), expect: HttpStatusCode.BadRequest);

        Assert.Contains($"No account matches {nobody}", page.Document.GetElementById("mailbox-owner-error")?.TextContent);
        Assert.Equal(nobody, Field(page, "mailbox-person").Value);
        Assert.Equal("true", page.Document.GetElementById("mailbox-person")!.GetAttribute("aria-invalid"));
        Assert.Equal($"ghost@{domain}", Field(page, "mailbox-address").Value);
        Assert.Equal($"spook@{domain}", Field(page, "mailbox-aliases").Value?.Trim());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AMailManagerCreatesChangesAndDeletesAMailboxAfterTypingItsAddress()
    {
        var domain = await NewDomainAsync();
        var person = await Server.CreateUserAsync("mb" + Unique(), Password);
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);

        var created = await browser.SubmitAsync("/mail", "/mail?handler=CreateMailbox", NewMailbox($"Sam@{domain}", person.UserName!, aliases: $"s@{domain}\nsammy@{domain}"));
        var path = created.Location!.Split('?')[0];
        var shown = await browser.GetAsync(created.Location!);
        Assert.Equal("The mailbox was created.", shown.Notice);
        Assert.Equal([$"s@{domain}", $"sammy@{domain}"], shown.Document.QuerySelectorAll("ul[aria-label=Aliases] li .address").Select(a => a.TextContent));

        await browser.SubmitAsync(path, path + "?handler=RemoveAlias", new Dictionary<string, string> { ["Alias"] = $"s@{domain}" });
        await browser.SubmitAsync(path, path + "?handler=Save", new Dictionary<string, string> { ["Address"] = $"samuel@{domain}", ["Enabled"] = "false" });
        var saved = await browser.GetAsync(path);
        Assert.Equal($"samuel@{domain}", Field(saved, "address").Value);
        Assert.Equal("Disabled", saved.Document.QuerySelector(".heading .status")?.TextContent);
        Assert.Equal([$"sammy@{domain}"], saved.Document.QuerySelectorAll("ul[aria-label=Aliases] li .address").Select(a => a.TextContent));

        var wrong = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmAddress"] = $"sam@{domain}" }, expect: HttpStatusCode.BadRequest);
        Assert.Contains($"Type the address samuel@{domain} exactly", Field(wrong, "confirm-address").Message);
        Assert.Equal(1, await Server.QueryAsync(db => db.Mailboxes.CountAsync(m => m.UserId == person.Id)));

        var deleted = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmAddress"] = $"SAMUEL@{domain}" });
        Assert.Equal("/mail?done=mailbox-deleted", deleted.Location);
        Assert.Equal(0, await Server.QueryAsync(db => db.Mailboxes.CountAsync(m => m.UserId == person.Id)));
        Assert.Equal(0, await Server.QueryAsync(db => db.MailAddresses.CountAsync(a => a.Address.EndsWith("@" + domain))));
    }

    [Fact]
    public async Task AListIsDeletedOnlyAfterTypingItsAddressAndAnOversizedDescriptionIsKeptAndRefused()
    {
        var domain = await NewDomainAsync();
        var list = await ListAsync($"news@{domain}");
        var (_, browser) = await Server.SignedInAsync(Role.MailManager);
        var path = $"/mail/list/{list}";
        var description = new string('x', MailingLists.MaxDescriptionLength + 1);

        // A description can be cleared: an empty field is a change, not a field left out.
        await browser.SubmitAsync(path, path + "?handler=Save", new Dictionary<string, string> { ["Description"] = "Weekly news", ["MembersOnly"] = "true" });
        await browser.SubmitAsync(path, path + "?handler=Save", new Dictionary<string, string> { ["Description"] = "", ["MembersOnly"] = "false" });
        var tooLong = await browser.SubmitAsync(path, path + "?handler=Save", new Dictionary<string, string> { ["Description"] = description, ["MembersOnly"] = "true" },
            expect: HttpStatusCode.BadRequest);
        var unconfirmed = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string>(), expect: HttpStatusCode.BadRequest);

        Assert.Contains("at most 1000 characters", Field(tooLong, "description").Message);
        Assert.Equal(description, Field(tooLong, "description").Value);
        Assert.Contains($"Type the address news@{domain} exactly", Field(unconfirmed, "confirm-address").Message);
        var stored = await Server.QueryAsync(db => db.MailingLists.AsNoTracking().SingleAsync(l => l.Id == list));
        Assert.Equal(("", false), (stored.Description, stored.MembersOnly));

        var deleted = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmAddress"] = $"news@{domain}" });
        Assert.Equal("/mail?done=list-deleted", deleted.Location);
        Assert.False(await Server.QueryAsync(db => db.MailingLists.AnyAsync(l => l.Id == list)));
    }

    [Fact]
    public async Task AnAdminRemovesAnEmptyDomainAfterConfirmingAndCannotRemoveOneInUse()
    {
        var used = await NewDomainAsync();
        var empty = await NewDomainAsync();
        await ListAsync($"all@{used}");
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var ids = await Server.QueryAsync(db => db.MailDomains.Where(d => d.Name == used || d.Name == empty).ToDictionaryAsync(d => d.Name, d => d.Id));

        var confirm = await admin.GetAsync($"/mail?remove={ids[empty]}");
        Assert.Equal($"Remove the mail domain {empty}?", confirm.Document.GetElementById("remove-domain-heading")?.TextContent);
        var inUse = await admin.SubmitAsync("/mail", "/mail?handler=RemoveDomain", new Dictionary<string, string> { ["DomainId"] = ids[used].ToString() }, expect: HttpStatusCode.BadRequest);
        var removed = await admin.SubmitAsync("/mail", "/mail?handler=RemoveDomain", new Dictionary<string, string> { ["DomainId"] = ids[empty].ToString() });

        Assert.Contains(inUse.Errors, e => e.Contains($"{used} still has 1 address"));
        Assert.Equal("/mail?done=domain-removed", removed.Location);
        Assert.Equal([used], await Server.QueryAsync(db => db.MailDomains.Where(d => d.Name == used || d.Name == empty).Select(d => d.Name).ToListAsync()));
    }

    [Fact]
    public async Task ABadDomainNameIsRefusedBesideItsFieldAndOnlyAdminsSeeTheDomainForms()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, manager) = await Server.SignedInAsync(Role.MailManager);
        var before = await Server.QueryAsync(db => db.MailDomains.CountAsync());

        var bad = await admin.SubmitAsync("/mail", "/mail?handler=AddDomain", new Dictionary<string, string> { ["DomainName"] = "not a domain" }, expect: HttpStatusCode.BadRequest);
        var managerPage = await manager.GetAsync("/mail");

        Assert.Contains("is not a domain name", Field(bad, "domain-name").Message);
        Assert.Equal("not a domain", Field(bad, "domain-name").Value);
        Assert.Equal(before, await Server.QueryAsync(db => db.MailDomains.CountAsync()));
        Assert.Null(managerPage.Document.GetElementById("domain-name"));
        Assert.DoesNotContain(managerPage.Document.QuerySelectorAll("a"), a => a.GetAttribute("href")?.StartsWith("/mail?remove=") == true);
    }

    [Fact]
    public async Task DeletingAPersonWithMailboxesAsksWhatBecomesOfThemAndHandsThemOver()
    {
        var domain = await NewDomainAsync();
        var leaving = await Server.CreateUserAsync("leaving" + Unique(), Password);
        var staying = await Server.CreateUserAsync("staying" + Unique(), Password);
        var mailbox = await MailboxAsync($"desk@{domain}", leaving.UserName!, $"help@{domain}");
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var path = $"/user/{leaving.Id}";

        var form = await admin.GetAsync(path);
        Assert.Contains($"desk@{domain}", form.Document.GetElementById("mailboxes-help")?.TextContent);
        var unanswered = await admin.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = leaving.Name }, expect: HttpStatusCode.BadRequest);
        var nobody = await admin.SubmitAsync(path, path + "?handler=Delete",
            new Dictionary<string, string> { ["ConfirmName"] = leaving.Name, ["Mailboxes"] = "hand-over", ["MailboxesTo"] = "nobody" + Unique() }, expect: HttpStatusCode.BadRequest);

        Assert.Contains($"owns the mailbox desk@{domain}: choose whether", unanswered.Document.GetElementById("mailboxes-error")?.TextContent);
        Assert.Equal(leaving.Name, unanswered.Document.GetElementById("confirm-name")?.GetAttribute("value"));
        Assert.Contains("No account matches", nobody.Document.GetElementById("mailboxes-error")?.TextContent);
        Assert.Equal("hand-over", nobody.Document.QuerySelector("input[name=Mailboxes][checked]")?.GetAttribute("value"));
        Assert.NotNull(await Server.FindStoredUserAsync(leaving.Id));

        var done = await admin.SubmitAsync(path, path + "?handler=Delete",
            new Dictionary<string, string> { ["ConfirmName"] = leaving.Name, ["Mailboxes"] = "hand-over", ["MailboxesTo"] = staying.Email! });
        Assert.Equal("/users?done=deleted&count=1", done.Location);
        Assert.Null(await Server.FindStoredUserAsync(leaving.Id));
        Assert.Equal(staying.Id, await Server.QueryAsync(db => db.Mailboxes.Where(m => m.Id == mailbox).Select(m => m.UserId).SingleAsync()));
    }

    [Fact]
    public async Task BulkDeletingPeopleDeletesTheirMailboxesWhenToldAndNotOtherwise()
    {
        var domain = await NewDomainAsync();
        var first = await Server.CreateUserAsync("first" + Unique(), Password);
        var second = await Server.CreateUserAsync("second" + Unique(), Password);
        await MailboxAsync($"first@{domain}", first.UserName!);
        var (_, manager) = await Server.SignedInAsync(Role.MailManager);
        var (_, userManager) = await Server.SignedInAsync(Role.UserManager);
        var query = $"/users/delete?ids={first.Id}&ids={second.Id}";
        var ids = new Dictionary<string, string> { ["ids"] = first.Id.ToString() };

        var userManagerForm = await userManager.GetAsync(query);
        Assert.Null(userManagerForm.Document.GetElementById("mailboxes-to"));
        Assert.DoesNotContain($"first@{domain}", userManagerForm.Text);
        var unanswered = await manager.SubmitAsync(query, "/users/delete", ids);
        Assert.Contains(unanswered.Errors, e => e.Contains($"owns the mailbox first@{domain}"));
        var toLeaving = await manager.SubmitAsync(query, "/users/delete",
            new Dictionary<string, string> { ["ids"] = first.Id.ToString(), ["Mailboxes"] = "hand-over", ["MailboxesTo"] = first.UserName! });
        Assert.Contains("is being deleted too", toLeaving.Document.GetElementById("mailboxes-error")?.TextContent);
        Assert.NotNull(await Server.FindStoredUserAsync(first.Id));

        var done = await manager.SubmitAsync(query, "/users/delete",
            new Dictionary<string, string> { ["ids"] = first.Id.ToString(), ["Mailboxes"] = "delete" });
        Assert.Equal("/users?done=deleted&count=1", done.Location);
        Assert.Null(await Server.FindStoredUserAsync(first.Id));
        Assert.False(await Server.QueryAsync(db => db.MailAddresses.AnyAsync(a => a.Address == $"first@{domain}")));
    }

    [Fact]
    public async Task APersonSeesTheirOwnMailboxesAndAliasesOnTheirAccountPageAndNothingWithoutOne()
    {
        var domain = await NewDomainAsync();
        var (owner, browser) = await Server.SignedInAsync(Role.User);
        var (_, without) = await Server.SignedInAsync(Role.User);
        var other = await Server.CreateUserAsync("other" + Unique(), Password);
        await MailboxAsync($"mine@{domain}", owner.UserName!, $"me@{domain}");
        var off = await MailboxAsync($"old@{domain}", owner.UserName!);
        await MailboxAsync($"theirs@{domain}", other.UserName!);
        await Server.WithAsync(services => services.GetRequiredService<Mailboxes>().UpdateAsync(Actor.Operator, off, null, false));

        var account = await browser.GetAsync("/account");
        var empty = await without.GetAsync("/account");

        var items = account.Document.QuerySelectorAll("ul[aria-label='Your mailboxes'] li").Select(li => string.Join(' ', li.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(2, items.Count);
        Assert.StartsWith($"mine@{domain} Active", items[0]);
        Assert.Contains($"me@{domain}", items[0]);
        Assert.StartsWith($"old@{domain} Disabled", items[1]);
        Assert.DoesNotContain($"theirs@{domain}", account.Text);
        Assert.Null(empty.Document.GetElementById("mailboxes-heading"));
    }
}

public sealed class MailPagesOnSqlite(SqliteRoster fixture) : MailPagesTests(fixture), IClassFixture<SqliteRoster>;

public sealed class MailPagesOnPostgres(PostgresRoster fixture) : MailPagesTests(fixture), IClassFixture<PostgresRoster>;
