using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Users;

public abstract class UserListTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task SearchFindsByNameUsernameOrEmailAndSortsAndPages()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        foreach (var (username, name) in new[] { ("zed" + tag, "Zed Zephyr"), ("amy" + tag, "Amy Apple"), ("bob" + tag, "Bob Banana") })
            await Server.CreateUserAsync(username, "a long test password");
        await Server.QueryAsync(db => db.Users.Where(u => u.UserName!.EndsWith(tag))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, u => u.UserName!.StartsWith("zed") ? "Zed Zephyr" : u.UserName.StartsWith("amy") ? "Amy Apple" : "Bob Banana")));
        var (_, browser) = await Server.SignedInAsync(Role.User);

        string[] Names(Page page) => [.. page.Document.QuerySelectorAll("tbody td.who a").Select(a => a.TextContent.Trim())];

        Assert.Equal(["Amy Apple", "Bob Banana", "Zed Zephyr"], Names(await browser.GetAsync($"/users?q={tag}&sort=Name")));
        Assert.Equal(["Zed Zephyr"], Names(await browser.GetAsync("/users?q=zephyr")));
        Assert.Equal(["Bob Banana"], Names(await browser.GetAsync($"/users?q=BOB{tag}@EXAMPLE")));
        var paged = await browser.GetAsync($"/users?q={tag}&sort=Name&page=2&pageSize=2");
        Assert.Contains("Page 2", paged.Text);
    }

    [Fact]
    public async Task SearchFollowsRenamesAndDeletionsAndTreatsWildcardsAsText()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var user = await Server.CreateUserAsync("rn" + tag, "a long test password");
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        string[] Names(Page page) => [.. page.Document.QuerySelectorAll("tbody td.who a").Select(a => a.TextContent.Trim())];

        await admin.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=Profile",
            new Dictionary<string, string> { ["Name"] = $"Renamed_{tag} 100%", ["Email"] = user.Email!, ["Username"] = user.UserName!, ["EmailVisible"] = "true" });

        Assert.Equal([$"Renamed_{tag} 100%"], Names(await admin.GetAsync($"/users?q=renamed_{tag}")));
        Assert.Equal([$"Renamed_{tag} 100%"], Names(await admin.GetAsync($"/users?q={Uri.EscapeDataString($"{tag} 100%")}")));
        Assert.Empty(Names(await admin.GetAsync($"/users?q={Uri.EscapeDataString($"{tag}%")}")));
        Assert.Empty(Names(await admin.GetAsync($"/users?q=test+rn{tag}")));
        Assert.Equal([$"Renamed_{tag} 100%"], Names(await admin.GetAsync($"/users?q={tag}")));
        Assert.Contains($"Renamed_{tag} 100%", Names(await admin.GetAsync("/users?q=0%25&pageSize=500")));

        await admin.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = $"Renamed_{tag} 100%" });
        Assert.Empty(Names(await admin.GetAsync($"/users?q=renamed_{tag}")));
        Assert.Empty(Names(await admin.GetAsync($"/users?q={tag}")));
    }

    [Fact]
    public async Task ASearchMatchingHundredsStillPagesAndSaysHowManyItKnows()
    {
        var tag = "crowd" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTime.UtcNow;
        await Server.QueryAsync(async db =>
        {
            db.Users.AddRange(Enumerable.Range(0, UserSearch.CommonMatches + 20).Select(i => new User
            {
                Id = Guid.CreateVersion7(), UserName = $"{tag}{i}", NormalizedUserName = $"{tag}{i}".ToUpperInvariant(),
                Email = $"{tag}{i}@example.org", NormalizedEmail = $"{tag}{i}@EXAMPLE.ORG".ToUpperInvariant(), Name = $"Crowd {i}",
                SecurityStamp = "s", CreatedAt = now, UpdatedAt = now.AddSeconds(i),
            }));
            return await db.SaveChangesAsync();
        });
        var sqlite = await Server.QueryAsync(db => Task.FromResult(db.Database.IsSqlite()));
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var first = await browser.GetAsync($"/users?q={tag}");
        var second = await browser.GetAsync($"/users?q={tag}&page=2");

        Assert.Equal(25, first.Document.QuerySelectorAll("tbody tr").Length);
        Assert.Equal($"Crowd {UserSearch.CommonMatches + 19}", first.Document.QuerySelector("tbody td.who a")!.TextContent.Trim());
        Assert.Equal($"Crowd {UserSearch.CommonMatches - 6}", second.Document.QuerySelector("tbody td.who a")!.TextContent.Trim());
        Assert.Contains(first.Document.QuerySelectorAll("nav.pages a"), a => a.TextContent == "Next");
        Assert.Contains(sqlite ? $"More than {UserSearch.CommonMatches} users match" : $"{UserSearch.CommonMatches + 20} users", first.Text);
        var rare = await browser.GetAsync($"/users?q={tag}7@");
        Assert.Contains("1 user", rare.Text);
    }

    [Fact]
    public async Task ManagersSelectOthersButNeverThemselvesAndBulkDeleteNamesWhoGoes()
    {
        var (manager, browser) = await Server.SignedInAsync(Role.UserManager);
        var first = await Server.CreateUserAsync("bulk1" + Guid.NewGuid().ToString("N")[..6], "a long test password");
        var second = await Server.CreateUserAsync("bulk2" + Guid.NewGuid().ToString("N")[..6], "a long test password");
        var admin = await Server.CreateUserAsync("bulkadmin" + Guid.NewGuid().ToString("N")[..6], "a long test password", Role.Admin);

        var list = await browser.GetAsync("/users?sort=Name&pageSize=500");
        var selectable = list.Document.QuerySelectorAll("input[name=ids]").Select(i => i.GetAttribute("value")).ToList();
        Assert.DoesNotContain(manager.Id.ToString(), selectable);
        Assert.DoesNotContain(admin.Id.ToString(), selectable);
        Assert.Contains(first.Id.ToString(), selectable);

        var confirm = await browser.GetAsync($"/users/delete?ids={first.Id}&ids={second.Id}&ids={admin.Id}&ids={manager.Id}");
        Assert.Contains(first.Name, confirm.Text);
        Assert.Contains("Delete 2 users", confirm.Text);
        Assert.Contains("you may not delete them", confirm.Text);

        var done = await browser.SubmitAsync($"/users/delete?ids={first.Id}&ids={second.Id}&ids={admin.Id}&ids={manager.Id}", "/users/delete",
            new Dictionary<string, string> { ["ids"] = first.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.Null(await Server.FindStoredUserAsync(first.Id));
        Assert.NotNull(await Server.FindStoredUserAsync(second.Id));
        Assert.NotNull(await Server.FindStoredUserAsync(admin.Id));
    }

    [Fact]
    public async Task PlainUsersSeeOthersReadOnly()
    {
        var (_, browser) = await Server.SignedInAsync(Role.User);
        var other = await Server.CreateUserAsync("other" + Guid.NewGuid().ToString("N")[..6], "a long test password");

        var list = await browser.GetAsync("/users");
        var detail = await browser.GetAsync($"/user/{other.Id}");

        Assert.Empty(list.Document.QuerySelectorAll("input[name=ids]"));
        Assert.DoesNotContain("Create user", list.Text);
        Assert.Empty(detail.Document.QuerySelectorAll("form[method=post] input:not([type=hidden])"));
        Assert.Contains(other.UserName!, detail.Text);
    }
}

public sealed class UserListOnSqlite(SqliteRoster fixture) : UserListTests(fixture), IClassFixture<SqliteRoster>;

public sealed class UserListOnPostgres(PostgresRoster fixture) : UserListTests(fixture), IClassFixture<PostgresRoster>;
