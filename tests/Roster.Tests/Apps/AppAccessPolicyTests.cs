using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Apps;

/// <summary>
/// <see cref="AppAccessPolicy"/>, the one answer to "may this person use this app?", on a real database.
/// It has four forms: by person and app id (launcher, API), by person id and client id (OpenID Connect),
/// as the people of an app (LDAP) and as the SQL condition the token refresh runs; all must agree.
/// </summary>
public abstract class AppAccessPolicyTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

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
}

public sealed class AppAccessPolicyOnSqlite(SqliteRoster fixture) : AppAccessPolicyTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppAccessPolicyOnPostgres(PostgresRoster fixture) : AppAccessPolicyTests(fixture), IClassFixture<PostgresRoster>;
