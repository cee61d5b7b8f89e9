using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
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
        });

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
        });

        Assert.Contains(page.Errors, e => e.Contains("Choose at least one group"));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task TheAccessRuleIsDecidedInOnePlaceForMembersOutsidersAdminsAndDisabledPeople()
    {
        var member = await Server.CreateUserAsync("member" + Unique(), "a long test password");
        var outsider = await Server.CreateUserAsync("outsider" + Unique(), "a long test password");
        var admin = await Server.CreateUserAsync("admin" + Unique(), "a long test password", Role.Admin);
        var disabled = await Server.CreateUserAsync("gone" + Unique(), "a long test password", enabled: false);
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var group = await browser.SubmitAsync("/groups", new Dictionary<string, string> { ["Name"] = "g" + Unique() });
        var groupId = Guid.Parse(group.Location!.Split('?')[0].Split('/').Last());
        var groupPath = $"/group/{groupId}";
        await browser.SubmitAsync(groupPath, groupPath + "?handler=Add", new Dictionary<string, string> { ["Add"] = $"{member.UserName} {disabled.UserName}" });
        var registered = await browser.SubmitAsync("/apps", new Dictionary<string, string>
        {
            ["Name"] = "Secret", ["LaunchUrl"] = "https://secret.example.org", ["DirectoryMode"] = "UseRoster", ["Access"] = "Groups", ["Groups"] = groupId.ToString(),
        });
        var appId = Guid.Parse(registered.Location!.Split('?')[0].Split('/').Last());

        await using var scope = Server.App.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<AppAccessPolicy>();
        Assert.True(await access.MayUseAsync(member, appId));
        Assert.False(await access.MayUseAsync(outsider, appId));
        Assert.True(await access.MayUseAsync(admin, appId));
        Assert.False(await access.MayUseAsync(disabled, appId));

        using var memberApi = await Server.ApiClientAsync(member);
        using var outsiderApi = await Server.ApiClientAsync(outsider);
        Assert.Contains("Secret", await memberApi.GetStringAsync("/api/v1/apps"));
        Assert.DoesNotContain("Secret", await outsiderApi.GetStringAsync("/api/v1/apps"));
    }

    [Fact]
    public async Task EveryFormOfTheAccessRuleGivesTheSameAnswers()
    {
        var member = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        var outsider = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        var admin = await Server.CreateUserAsync("rule" + Unique(), "a long test password", Role.Admin);
        var disabledAdmin = await Server.CreateUserAsync("rule" + Unique(), "a long test password", Role.Admin, enabled: false);
        var disabledMember = await Server.CreateUserAsync("rule" + Unique(), "a long test password", enabled: false);
        var invited = await Server.CreateUserAsync("rule" + Unique(), "a long test password");
        await Server.QueryAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == invited.Id)).InvitationPending = true;
            return await db.SaveChangesAsync();
        });
        await using var scope = Server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var groups = services.GetRequiredService<Roster.Groups.GroupChanges>();
        var group = (await groups.CreateAsync(Roster.Users.Actor.Operator, "rule-" + Unique(), "")).Value!;
        await groups.AddMembersAsync(Roster.Users.Actor.Operator, group.Id, [member.UserName!, disabledMember.UserName!, invited.UserName!]);
        var apps = services.GetRequiredService<AppChanges>();
        var restricted = (await apps.RegisterAsync(Roster.Users.Actor.Operator, new AppSettings("Rule" + Unique(), "https://rule.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var open = (await apps.RegisterAsync(Roster.Users.Actor.Operator, new AppSettings("Open" + Unique(), "https://open.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, []))).Value!;
        var access = services.GetRequiredService<AppAccessPolicy>();
        var db = services.GetRequiredService<Roster.Data.RosterDb>();
        var direct = services.GetRequiredService<Roster.Data.DirectConnections>();

        Task<bool> SqlAsync(Guid userId, Guid appId) =>
            direct.QueryAsync($"SELECT CASE WHEN {AppAccessPolicy.MayUseSql("@user", "@app")} THEN 1 ELSE 0 END",
                [("user", direct.Key(userId)), ("app", direct.Key(appId))],
                async reader => await reader.ReadAsync() && Convert.ToInt32(reader.GetValue(0)) == 1,
                CancellationToken.None);

        var expected = new Dictionary<(Guid, Guid), bool>
        {
            [(member.Id, restricted.Id)] = true, [(member.Id, open.Id)] = true,
            [(outsider.Id, restricted.Id)] = false, [(outsider.Id, open.Id)] = true,
            [(admin.Id, restricted.Id)] = true, [(admin.Id, open.Id)] = true,
            [(disabledAdmin.Id, restricted.Id)] = false, [(disabledAdmin.Id, open.Id)] = false,
            [(disabledMember.Id, restricted.Id)] = false, [(invited.Id, restricted.Id)] = false, [(invited.Id, open.Id)] = false,
        };
        foreach (var ((userId, appId), allowed) in expected)
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
            var clientId = appId == restricted.Id ? restricted.ClientId : open.ClientId;
            var answers = new[]
            {
                await access.MayUseAsync(user, appId),
                await access.MayUseAsync(userId, clientId),
                await access.UsersOf(appId).AnyAsync(u => u.Id == userId),
                await SqlAsync(userId, appId),
            };
            Assert.True(answers.All(a => a == allowed), $"{user.UserName} on {(appId == restricted.Id ? "restricted" : "open")}: expected {allowed}, got {string.Join(", ", answers)}");
        }
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
