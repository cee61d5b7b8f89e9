using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Groups;
using Roster.MailDirectory;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.MailDirectory;

/// <summary>
/// /api/v1/mail with the rules of PRODUCT.md section 10: bad addresses refused as problem details with nothing stored,
/// addresses unique ignoring case across mailboxes, aliases and lists even under concurrent writes, nobody's mail or
/// sign-in email caught by someone else, and mail managers kept to the people they may manage. Runs on both databases.
/// </summary>
public abstract class MailApiTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private readonly string domain = "m" + Guid.NewGuid().ToString("N")[..8] + ".test";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static T Ok<T>(Result<T> result) =>
        result.Succeeded ? result.Value! : throw new Xunit.Sdk.XunitException(string.Join(" ", result.Errors.Select(e => e.Message)));

    private async Task<HttpClient> MailManagerAsync()
    {
        await Server.WithAsync(async s => Ok(await s.GetRequiredService<MailDomains>().AddAsync(Actor.Operator, domain)));
        var (manager, _) = await Server.SignedInAsync(Role.MailManager);
        return await Server.ApiClientAsync(manager);
    }

    private Task<int> AddressCountAsync() => Server.QueryAsync(db => db.MailAddresses.CountAsync());

    private Task<int> ListMemberCountAsync() => Server.QueryAsync(db => db.MailingListMembers.CountAsync());

    /// <summary>The request is refused with 400 problem details carrying <paramref name="code"/>, and no address is stored.</summary>
    private async Task<string> RefusedAsync(HttpClient api, string path, object body, string code)
    {
        var (addresses, members) = (await AddressCountAsync(), await ListMemberCountAsync());
        using var response = await api.PostAsJsonAsync(path, body);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(code, problem.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal((addresses, members), (await AddressCountAsync(), await ListMemberCountAsync()));
        return problem.GetProperty("detail").GetString()!;
    }

    private async Task<JsonElement> CreatedAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task BadAddressesAreRefusedWithAClearProblemAndNothingStored()
    {
        using var api = await MailManagerAsync();
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        await CreatedAsync(api, "/api/v1/mail/mailboxes", new { address = $"alice@{domain}", person = alice.UserName, aliases = new[] { $"info@{domain}" } });
        var team = await CreatedAsync(api, "/api/v1/mail/lists", new { address = $"team@{domain}" });

        Assert.Contains("not a mail domain", await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = "bob@elsewhere.example", person = bob.UserName }, "mail.domain_unknown"));
        // Taken, ignoring case: by a mailbox, by an alias, by a list.
        Assert.Contains("already the mailbox", await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = $"ALICE@{domain}", person = bob.UserName }, "mail.address_taken"));
        Assert.Contains("an alias of", await RefusedAsync(api, "/api/v1/mail/lists", new { address = $"Info@{domain}" }, "mail.address_taken"));
        Assert.Contains("mailing list", await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = $"bob@{domain}", person = bob.UserName, aliases = new[] { $"TEAM@{domain}" } }, "mail.address_taken"));
        // Malformed local parts, and one past RFC 5321's 64 octets.
        foreach (var local in new[] { "a..b", ".bob", "bob.", "bo b", "bob(x)", "\"bob\"", new string('b', 65) })
            await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = $"{local}@{domain}", person = bob.UserName },
                local.Length > 64 ? "mail.local_part_too_long" : "mail.local_part_invalid");
        await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = $"bob@{domain}", person = "nobody-" + NewName("x") }, "mail.owner_unknown");
        await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = $"bob@{domain}" }, "mail.owner_required");
        // A list that contains itself, directly or through another list.
        var teamId = team.GetProperty("id").GetGuid();
        Assert.Contains("member of itself", await RefusedAsync(api, $"/api/v1/mail/lists/{teamId}/members", new { addresses = new[] { $"Team@{domain}" } }, "mail.list_contains_itself"));
        var all = await CreatedAsync(api, "/api/v1/mail/lists", new { address = $"all@{domain}", addresses = new[] { $"team@{domain}" } });
        Assert.Contains($"all@{domain} → team@{domain}", await RefusedAsync(api, $"/api/v1/mail/lists/{teamId}/members", new { addresses = new[] { $"all@{domain}" } }, "mail.list_contains_itself"));
        // An address in Roster's own domains that nothing has would bounce every copy.
        await RefusedAsync(api, $"/api/v1/mail/lists/{teamId}/members", new { addresses = new[] { $"ghost@{domain}" } }, "mail.address_unknown");
        await RefusedAsync(api, $"/api/v1/mail/lists/{teamId}/members", new { people = new[] { "nobody-" + NewName("x") } }, "mail.members_unknown");
        Assert.Equal(JsonValueKind.Object, all.ValueKind);
    }

    [Fact]
    public async Task NobodyCatchesSomeoneElsesSignInEmail()
    {
        using var api = await MailManagerAsync();
        var carol = await Server.CreateUserAsync(NewName("carol"), Password);
        var dave = await Server.CreateUserAsync(NewName("dave"), Password);
        var carolsEmail = $"{carol.UserName}@{domain}";
        await Server.WithAsync(s => s.GetRequiredService<Roster.Users.UserChanges>().PatchAsync(Actor.Operator, carol.Id, new Roster.Users.UserPatch(Email: carolsEmail)));

        await RefusedAsync(api, "/api/v1/mail/mailboxes", new { address = carolsEmail, person = dave.UserName }, "mail.address_is_sign_in_email");
        await RefusedAsync(api, "/api/v1/mail/lists", new { address = carolsEmail }, "mail.address_is_sign_in_email");
        var daves = await CreatedAsync(api, "/api/v1/mail/mailboxes", new { address = $"dave@{domain}", person = dave.UserName });
        await RefusedAsync(api, $"/api/v1/mail/mailboxes/{daves.GetProperty("id").GetGuid()}/aliases", new { address = carolsEmail }, "mail.address_is_sign_in_email");
        // Her own mailbox may have it, and cannot then be handed to someone else while her account uses it.
        var hers = await CreatedAsync(api, "/api/v1/mail/mailboxes", new { address = carolsEmail, person = carol.UserName });
        using var handOver = await api.PostAsJsonAsync($"/api/v1/mail/mailboxes/{hers.GetProperty("id").GetGuid()}/hand-over", new { person = dave.UserName });
        Assert.Equal(HttpStatusCode.BadRequest, handOver.StatusCode);
        Assert.Equal(carol.Id, await Server.QueryAsync(db => db.Mailboxes.Where(m => m.Address == carolsEmail).Select(m => m.UserId).SingleAsync()));
    }

    [Fact]
    public async Task AMailManagerCannotTouchTheMailOfAnAdmin()
    {
        using var api = await MailManagerAsync();
        var admin = await Server.CreateUserAsync(NewName("admin"), Password, Role.Admin);
        var mailbox = await Server.WithAsync(async s => Ok(await s.GetRequiredService<Mailboxes>().CreateAsync(Actor.Operator, $"boss@{domain}", admin.UserName, null)));
        var before = await Server.QueryAsync(db => db.MailAddresses.Where(a => a.MailboxId == mailbox.Id).CountAsync());

        foreach (var (method, path, body) in new (string, string, object?)[]
                 {
                     ("POST", "/api/v1/mail/mailboxes", new { address = $"boss2@{domain}", person = admin.UserName }),
                     ("PATCH", $"/api/v1/mail/mailboxes/{mailbox.Id}", new { enabled = false }),
                     ("POST", $"/api/v1/mail/mailboxes/{mailbox.Id}/aliases", new { address = $"ceo@{domain}" }),
                     ("POST", $"/api/v1/mail/mailboxes/{mailbox.Id}/hand-over", new { group = "anything" }),
                     ("DELETE", $"/api/v1/mail/mailboxes/{mailbox.Id}", null),
                 })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await api.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode}");
        }
        var stored = await Server.QueryAsync(db => db.Mailboxes.SingleAsync(m => m.Id == mailbox.Id));
        Assert.True(stored.Enabled);
        Assert.Equal(admin.Id, stored.UserId);
        Assert.Equal(before, await Server.QueryAsync(db => db.MailAddresses.Where(a => a.MailboxId == mailbox.Id).CountAsync()));
    }

    [Fact]
    public async Task OnlyOneOfManyConcurrentClaimsOfAnAddressWins()
    {
        using var api = await MailManagerAsync();
        var people = new List<User>();
        for (var i = 0; i < 4; i++)
            people.Add(await Server.CreateUserAsync(NewName("p"), Password));

        var responses = await Task.WhenAll(people.Select(async (p, i) =>
            i % 2 == 0
                ? await api.PostAsJsonAsync("/api/v1/mail/mailboxes", new { address = $"Race@{domain}", person = p.UserName })
                : await api.PostAsJsonAsync("/api/v1/mail/lists", new { address = $"race@{domain}" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Conflict }));
        Assert.Equal(1, await Server.QueryAsync(db => db.MailAddresses.CountAsync(a => a.NormalizedAddress == $"race@{domain}")));
    }

    [Fact]
    public async Task DeletingAPersonWhoOwnsMailboxesNeedsAChoiceThatIsThenKept()
    {
        using var api = await MailManagerAsync();
        var leaving = await Server.CreateUserAsync(NewName("leaving"), Password);
        var heir = await Server.CreateUserAsync(NewName("heir"), Password);
        var gone = await Server.CreateUserAsync(NewName("gone"), Password);
        var kept = await CreatedAsync(api, "/api/v1/mail/mailboxes", new { address = $"kept@{domain}", person = leaving.UserName, aliases = new[] { $"old@{domain}" } });
        await CreatedAsync(api, "/api/v1/mail/mailboxes", new { address = $"gone@{domain}", person = gone.UserName });

        using var unsaid = await api.DeleteAsync($"/api/v1/users/{leaving.Id}");
        Assert.Equal(HttpStatusCode.BadRequest, unsaid.StatusCode);
        Assert.Contains($"kept@{domain}", await unsaid.Content.ReadAsStringAsync());
        Assert.True(await Server.QueryAsync(db => db.Users.AnyAsync(u => u.Id == leaving.Id)));

        (await api.DeleteAsync($"/api/v1/users/{leaving.Id}?mailboxesTo={heir.UserName}")).EnsureSuccessStatusCode();
        (await api.DeleteAsync($"/api/v1/users/{gone.Id}?mailboxes=delete")).EnsureSuccessStatusCode();

        var handed = await Server.QueryAsync(db => db.Mailboxes.SingleAsync(m => m.Id == kept.GetProperty("id").GetGuid()));
        Assert.Equal(heir.Id, handed.UserId);
        Assert.Equal(2, await Server.QueryAsync(db => db.MailAddresses.CountAsync(a => a.MailboxId == handed.Id)));
        Assert.False(await Server.QueryAsync(db => db.MailAddresses.AnyAsync(a => a.NormalizedAddress == $"gone@{domain}")));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "mailbox.handed-over" && e.TargetId == heir.Id)));
    }

    [Fact]
    public async Task AGroupOrDomainThatMailDependsOnCannotBeDeleted()
    {
        using var api = await MailManagerAsync();
        var member = await Server.CreateUserAsync(NewName("member"), Password);
        var group = await Server.WithAsync(async s => Ok(await s.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, NewName("team"), "")));
        await CreatedAsync(api, "/api/v1/mail/lists", new { address = $"everyone@{domain}", groups = new[] { group.Name }, people = new[] { member.UserName } });

        var groupDeleted = await Server.WithAsync(s => s.GetRequiredService<GroupChanges>().DeleteAsync(Actor.Operator, group.Id));
        var domainId = await Server.QueryAsync(db => db.MailDomains.Where(d => d.Name == domain).Select(d => d.Id).SingleAsync());
        var domainRemoved = await Server.WithAsync(s => s.GetRequiredService<MailDomains>().RemoveAsync(Actor.Operator, domainId));
        using var byMailManager = await api.DeleteAsync($"/api/v1/mail/domains/{domainId}");

        Assert.Contains($"everyone@{domain}", Assert.Single(groupDeleted.Errors).Message);
        Assert.Equal("mail.domain_in_use", Assert.Single(domainRemoved.Errors).Code);
        Assert.Equal(HttpStatusCode.Forbidden, byMailManager.StatusCode);
        Assert.True(await Server.QueryAsync(db => db.Groups.AnyAsync(g => g.Id == group.Id)));
        Assert.True(await Server.QueryAsync(db => db.MailDomains.AnyAsync(d => d.Id == domainId)));
    }
}

public sealed class MailApiTestsOnSqlite(SqliteRoster fixture) : MailApiTests(fixture), IClassFixture<SqliteRoster>;

public sealed class MailApiTestsOnPostgres(PostgresRoster fixture) : MailApiTests(fixture), IClassFixture<PostgresRoster>;
