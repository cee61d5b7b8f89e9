using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Groups;

/// <summary>Bad group names and memberships are refused with a clear message and leave nothing half-written; a group an app depends on stays.</summary>
public abstract class GroupTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private async Task<(int Groups, int Members, int Apps, int AppGroups)> CountsAsync() => await Server.QueryAsync(async db =>
        (await db.Groups.CountAsync(), await db.GroupMembers.CountAsync(), await db.Apps.CountAsync(), await db.AppGroups.CountAsync()));

    [Theory]
    [InlineData("has space")]
    [InlineData("under_score")]
    [InlineData("")]
    [InlineData("ünïcode")]
    public async Task AnInvalidGroupNameIsRefused(string name)
    {
        var (_, browser) = await Server.SignedInAsync(Role.UserManager);
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = name, ["Description"] = "kept" }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(page.Errors, e => e.Contains("letters, digits, dots (.) and hyphens (-)"));
        Assert.Equal("kept", page.Document.QuerySelector("#description")?.GetAttribute("value"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AGroupNameDifferingOnlyInCaseIsTaken()
    {
        var (_, browser) = await Server.SignedInAsync(Role.UserManager);
        var name = "team-" + Unique();
        await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = name });
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = name.ToUpperInvariant() }, expect: HttpStatusCode.BadRequest);

        Assert.Contains(page.Errors, e => e.Contains("There is already a group called"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AddingAnUnknownPersonAddsNobody()
    {
        var (_, browser) = await Server.SignedInAsync(Role.UserManager);
        var known = await Server.CreateUserAsync("known" + Unique(), "a long test password");
        var created = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = "g" + Unique() });
        var groupPath = created.Location!.Split('?')[0];
        var before = await CountsAsync();

        var page = await browser.SubmitAsync(groupPath, groupPath + "?handler=Add", new Dictionary<string, string> { ["Add"] = $"{known.UserName}, nobody-{Unique()}" }, expect: HttpStatusCode.BadRequest);

        Assert.Contains(page.Errors, e => e.Contains("Nobody was added"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task AGroupAnAppDependsOnCannotBeDeletedOnAnySurface()
    {
        var (manager, browser) = await Server.SignedInAsync(Role.Admin);
        var name = "staff-" + Unique();
        var created = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = name });
        var groupPath = created.Location!.Split('?')[0];
        var groupId = Guid.Parse(groupPath.Split('/').Last());
        await browser.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Payroll", ["LaunchUrl"] = "https://payroll.example.org", ["DirectoryMode"] = "UseRoster", ["Access"] = "Groups", ["Groups"] = groupId.ToString(),
        });
        var before = await CountsAsync();

        var page = await browser.SubmitAsync(groupPath, groupPath + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = name }, expect: HttpStatusCode.BadRequest);
        using var api = await Server.ApiClientAsync(manager);
        using var viaApi = await api.DeleteAsync($"/api/v1/groups/{groupId}");

        Assert.Contains(page.Errors, e => e.Contains("decides who may use Payroll"));
        Assert.Equal(HttpStatusCode.BadRequest, viaApi.StatusCode);
        Assert.Contains("group.in_use", await viaApi.Content.ReadAsStringAsync());
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task DeletingAGroupOnTheDashboardNeedsItsNameTypedExactly()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var name = "crew-" + Unique();
        var created = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = name });
        var groupPath = created.Location!.Split('?')[0];
        var groupId = Guid.Parse(groupPath.Split('/').Last());

        foreach (var typed in new[] { "", name.ToUpperInvariant(), name + "x" })
        {
            var refused = await browser.SubmitAsync(groupPath, groupPath + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = typed }, expect: HttpStatusCode.BadRequest);
            Assert.Contains(refused.Errors, e => e.Contains($"\"{name}\" exactly"));
            Assert.Equal(typed, refused.Document.QuerySelector("input[name=ConfirmName]")!.GetAttribute("value") ?? "");
        }
        Assert.Equal(1, await Server.QueryAsync(db => db.Groups.CountAsync(g => g.Id == groupId)));

        var deleted = await browser.SubmitAsync(groupPath, groupPath + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = $" {name} " });
        Assert.Equal("/groups?done=deleted", deleted.Location);
        Assert.Equal(0, await Server.QueryAsync(db => db.Groups.CountAsync(g => g.Id == groupId)));
    }
}

public sealed class GroupsOnSqlite(SqliteRoster fixture) : GroupTests(fixture), IClassFixture<SqliteRoster>;

public sealed class GroupsOnPostgres(PostgresRoster fixture) : GroupTests(fixture), IClassFixture<PostgresRoster>;
