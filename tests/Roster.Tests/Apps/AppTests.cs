using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Apps;

/// <summary>Bad apps are refused with a clear message and leave nothing half-written; the API manages apps and their groups by the same rules.</summary>
public abstract class AppTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private async Task<(int Groups, int Members, int Apps, int AppGroups)> CountsAsync() => await Server.QueryAsync(async db =>
        (await db.Groups.CountAsync(), await db.GroupMembers.CountAsync(), await db.Apps.CountAsync(), await db.AppGroups.CountAsync()));

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://files.example.org")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    public async Task AnInvalidLaunchUrlIsRefused(string url)
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Broken", ["LaunchUrl"] = url, ["DirectoryMode"] = "UseRoster", ["Access"] = "Everyone",
        }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(page.Errors, e => e.Contains("is not a web address"));
        Assert.Equal("Broken", page.Document.QuerySelector("#name")?.GetAttribute("value"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task RestrictingToNoGroupIsRefused()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var before = await CountsAsync();

        var page = await browser.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Lonely", ["LaunchUrl"] = "https://lonely.example.org", ["DirectoryMode"] = "UseRoster", ["Access"] = "Groups",
        }, expect: HttpStatusCode.BadRequest);

        Assert.Contains(page.Errors, e => e.Contains("Choose at least one group"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task TheApiManagesGroupsAndAppsWithTheSameRules()
    {
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var person = await Server.CreateUserAsync("api" + Unique(), "a long test password");
        using var api = await Server.ApiClientAsync(admin);
        var name = "api-" + Unique();

        using var created = await api.PostAsJsonAsync("/api/v1/groups", new { name, description = "via API" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var groupId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var duplicate = await api.PostAsJsonAsync("/api/v1/groups", new { name = name.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        using var added = await api.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { users = new[] { person.UserName } });
        Assert.True(added.IsSuccessStatusCode, $"{(int)added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        var members = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(person.Id, members.GetProperty("members")[0].GetProperty("id").GetGuid());

        using var badApp = await api.PostAsJsonAsync("/api/v1/apps", new { name = "X", launchUrl = "mailto:x@example.org" });
        Assert.Equal(HttpStatusCode.BadRequest, badApp.StatusCode);
        using var app = await api.PostAsJsonAsync("/api/v1/apps", new { name = "Board", launchUrl = "https://board.example.org", access = "Groups", groups = new[] { groupId } });
        Assert.Equal(HttpStatusCode.Created, app.StatusCode);
        var appId = (await app.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var personApi = await Server.ApiClientAsync(person);
        Assert.Equal(HttpStatusCode.Forbidden, (await personApi.PatchAsJsonAsync($"/api/v1/apps/{appId}", new { name = "Mine" })).StatusCode);
        using var operators = await api.PutAsJsonAsync($"/api/v1/apps/{appId}/operators", new { users = new[] { person.Email } });
        Assert.Equal(HttpStatusCode.OK, operators.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await personApi.PatchAsJsonAsync($"/api/v1/apps/{appId}", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await personApi.DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/apps/{appId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/groups/{groupId}")).StatusCode);
    }
}

public sealed class AppsOnSqlite(SqliteRoster fixture) : AppTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppsOnPostgres(PostgresRoster fixture) : AppTests(fixture), IClassFixture<PostgresRoster>;
