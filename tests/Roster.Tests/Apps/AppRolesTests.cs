using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Apps;
using Roster.Audit;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;

namespace Roster.Tests.Apps;

/// <summary>
/// Per-app roles (PRODUCT.md section 12): the roles claim follows the groups and people that hold each role, admins of
/// Roster get none unless given one, and only admins and the app's operators change them. Over HTTP on both databases.
/// </summary>
public abstract class AppRolesTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private Task<T> With<T>(Func<IServiceProvider, Task<T>> action) => Server.WithAsync(action);

    private async Task<Guid> GroupAsync(string name, params string[] members) => await With(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, name + Guid.NewGuid().ToString("N")[..6], "")).Value!;
        if (members.Length > 0)
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members)).Succeeded);
        return group.Id;
    });

    private async Task<Guid> RoleAsync(RelyingParty app, string name, string? group = null, string? person = null) => await With(async services =>
    {
        var roles = services.GetRequiredService<AppRoles>();
        var role = (await roles.DefineAsync(Actor.Operator, app.AppId, name, "")).Value!;
        if (group is not null || person is not null)
            Assert.True((await roles.GiveAsync(Actor.Operator, app.AppId, role.Id, group, person)).Succeeded);
        return role.Id;
    });

    /// <summary>The roles claim of an ID token and of userinfo for the person signed in on <paramref name="browser"/>, as JSON; "none" when absent.</summary>
    private static async Task<(string IdToken, string UserInfo)> RolesAsync(RelyingParty app, FormClient browser, RosterServer server)
    {
        var (status, body, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        Assert.Equal(HttpStatusCode.OK, status);
        var token = new JsonWebToken(body.GetProperty("id_token").GetString());
        var fromToken = token.TryGetPayloadValue<JsonElement>("roles", out var roles) ? roles.GetRawText() : "none";
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", body.GetProperty("access_token").GetString());
        var info = await http.GetFromJsonAsync<JsonElement>("/oidc/userinfo");
        var fromUserInfo = info.TryGetProperty("roles", out var claim) ? claim.GetRawText() : "none";
        return (fromToken, fromUserInfo);
    }

    [Fact]
    public async Task TheRolesClaimFollowsGroupMembershipAndDirectGrantsAndNamesOnlyThisAppsRoles()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Grafana");
        var other = await RelyingParty.RegisterAsync(Server, "Gitea");
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var ops = await GroupAsync("ops", user.UserName!);
        await RoleAsync(app, "admin", group: ops.ToString());
        await RoleAsync(app, "viewer");
        await RoleAsync(other, "owner", person: user.UserName);

        Assert.Equal(("[\"admin\"]", "[\"admin\"]"), await RolesAsync(app, browser, Server));

        await With(async services => (await services.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, ops, [user.Id])).Succeeded);
        Assert.Equal(("none", "none"), await RolesAsync(app, browser, Server));

        var viewer = await Server.QueryAsync(db => db.AppRoles.Where(r => r.AppId == app.AppId && r.Name == "viewer").Select(r => r.Id).SingleAsync());
        await With(async services => (await services.GetRequiredService<AppRoles>().GiveAsync(Actor.Operator, app.AppId, viewer, null, user.Email)).Succeeded);
        Assert.Equal(("[\"viewer\"]", "[\"viewer\"]"), await RolesAsync(app, browser, Server));
        Assert.Equal(("[\"owner\"]", "[\"owner\"]"), await RolesAsync(other, browser, Server));
    }

    [Fact]
    public async Task AnAdminOfRosterHoldsNoRoleInAnAppUnlessGivenOne()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Grafana");
        await RoleAsync(app, "admin", group: (await GroupAsync("ops")).ToString());
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);

        Assert.Equal(("none", "none"), await RolesAsync(app, browser, Server));
        await RoleAsync(app, "editor", person: admin.UserName);
        Assert.Equal(("[\"editor\"]", "[\"editor\"]"), await RolesAsync(app, browser, Server));
    }

    [Fact]
    public async Task AnOperatorDefinesGivesTakesAndDeletesRolesOnTheAppPageAndTheLauncherShowsThem()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var (operatorUser, operatorBrowser) = await Server.SignedInAsync(Role.User);
        await With(async services => (await services.GetRequiredService<AppChanges>().SetOperatorsAsync(Actor.Operator, app.AppId, [operatorUser.UserName!])).Succeeded);
        var (member, memberBrowser) = await Server.SignedInAsync(Role.User);
        var path = $"/app/{app.AppId}";

        var defined = await operatorBrowser.SubmitAsync(path, path + "?handler=DefineRole", new Dictionary<string, string> { ["RoleName"] = "editor", ["RoleDescription"] = "Edits pages" });
        Assert.Equal(path + "?done=role-defined", defined.Location);
        var roleId = await Server.QueryAsync(db => db.AppRoles.Where(r => r.AppId == app.AppId).Select(r => r.Id).SingleAsync());
        await operatorBrowser.SubmitAsync(path, path + "?handler=GiveRole", new Dictionary<string, string> { ["RoleId"] = roleId.ToString(), ["HolderPerson"] = member.UserName! });
        var page = await operatorBrowser.GetAsync(path);
        Assert.Contains("Take editor from " + member.UserName, page.Text);
        Assert.Contains("Your role: editor", (await memberBrowser.GetAsync("/")).Text);

        var holderId = await Server.QueryAsync(db => db.AppRoleHolders.Where(h => h.RoleId == roleId).Select(h => h.Id).SingleAsync());
        await operatorBrowser.SubmitAsync(path, path + "?handler=TakeRole", new Dictionary<string, string> { ["RoleId"] = roleId.ToString(), ["HolderId"] = holderId.ToString() });
        Assert.DoesNotContain("Your role", (await memberBrowser.GetAsync("/")).Text);

        var unconfirmed = await operatorBrowser.SubmitAsync(path, path + "?handler=DeleteRole", new Dictionary<string, string> { ["RoleId"] = roleId.ToString() }, expect: HttpStatusCode.BadRequest);
        Assert.Contains("Confirm that the role goes", string.Join(" ", unconfirmed.Errors));
        Assert.Equal(1, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.AppId == app.AppId)));
        await operatorBrowser.SubmitAsync(path, path + "?handler=DeleteRole", new Dictionary<string, string> { ["RoleId"] = roleId.ToString(), ["ConfirmRoleDeletion"] = "true" });
        Assert.Equal(0, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.AppId == app.AppId)));
        var actions = await Server.QueryAsync(db => db.AuditEvents.Where(e => e.ActorId == operatorUser.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(new[] { AuditActions.AppRoleDefined, AuditActions.AppRoleGiven, AuditActions.AppRoleTaken, AuditActions.AppRoleDeleted }.Order(),
            actions.Where(a => a.StartsWith("app.role", StringComparison.Ordinal)).Order());
    }

    [Theory]
    [InlineData("two words", "")]
    [InlineData("-admin", "")]
    [InlineData("ADMIN", "")]
    [InlineData("admin", "a description far too long for any role")]
    public async Task ABadOrTakenRoleIsRefusedWithWhatWasTypedKept(string name, string description)
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        await RoleAsync(app, "admin");
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var path = $"/app/{app.AppId}";
        if (description.Length > 0)
            description = string.Concat(Enumerable.Repeat(description, 6));

        var refused = await admin.SubmitAsync(path, path + "?handler=DefineRole", new Dictionary<string, string> { ["RoleName"] = name, ["RoleDescription"] = description },
            expect: HttpStatusCode.BadRequest);

        Assert.NotEmpty(refused.Errors);
        Assert.Equal(name, refused.Document.QuerySelector("input[name=RoleName]")!.GetAttribute("value"));
        Assert.Equal(1, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.AppId == app.AppId)));
    }

    [Fact]
    public async Task GivingNeedsExactlyOneKnownGroupOrPersonAndAnotherAppsRoleIsNotFound()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var other = await RelyingParty.RegisterAsync(Server, "Chat");
        var role = await RoleAsync(app, "admin");
        var otherRole = await RoleAsync(other, "admin");
        var (user, _) = await Server.SignedInAsync(Role.User);
        var group = await GroupAsync("ops");

        await With(async services =>
        {
            var roles = services.GetRequiredService<AppRoles>();
            Assert.Equal("role.holder", (await roles.GiveAsync(Actor.Operator, app.AppId, role, group.ToString(), user.UserName)).Errors.Single().Code);
            Assert.Equal("role.holder", (await roles.GiveAsync(Actor.Operator, app.AppId, role, null, " ")).Errors.Single().Code);
            Assert.Equal("role.group_unknown", (await roles.GiveAsync(Actor.Operator, app.AppId, role, "no such group", null)).Errors.Single().Code);
            Assert.Equal("role.person_unknown", (await roles.GiveAsync(Actor.Operator, app.AppId, role, null, "nobody@example.org")).Errors.Single().Code);
            Assert.Equal(ErrorKind.NotFound, (await roles.GiveAsync(Actor.Operator, app.AppId, otherRole, null, user.UserName)).Errors.Single().Kind);
            Assert.Equal(ErrorKind.NotFound, (await roles.DeleteAsync(Actor.Operator, app.AppId, otherRole, confirmed: true)).Errors.Single().Kind);
            Assert.True((await roles.GiveAsync(Actor.Operator, app.AppId, role, group.ToString(), null)).Succeeded);
            Assert.Equal("role.held", (await roles.GiveAsync(Actor.Operator, app.AppId, role, group.ToString(), null)).Errors.Single().Code);
            return true;
        });
        Assert.Equal(1, await Server.QueryAsync(db => db.AppRoleHolders.CountAsync(h => h.RoleId == role)));
        Assert.Equal(1, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.Id == otherRole)));
    }

    [Fact]
    public async Task APlainUserAndAnotherAppsOperatorCannotTouchTheRolesAndFormsNeedAntiforgery()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var other = await RelyingParty.RegisterAsync(Server, "Chat");
        var (otherOperator, otherBrowser) = await Server.SignedInAsync(Role.User);
        await With(async services => (await services.GetRequiredService<AppChanges>().SetOperatorsAsync(Actor.Operator, other.AppId, [otherOperator.UserName!])).Succeeded);
        var (user, _) = await Server.SignedInAsync(Role.User);
        var api = await Server.ApiClientAsync(otherOperator);

        using var viaApi = await api.PostAsJsonAsync($"/api/v1/apps/{app.AppId}/roles", new { name = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, viaApi.StatusCode);
        Assert.Equal("application/problem+json", viaApi.Content.Headers.ContentType?.MediaType);
        await With(async services =>
        {
            Assert.Equal(ErrorKind.Forbidden, (await services.GetRequiredService<AppRoles>().DefineAsync(Actor.For(user), app.AppId, "admin", "")).Errors.Single().Kind);
            return true;
        });
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        await admin.SubmitAsync($"/app/{app.AppId}", $"/app/{app.AppId}?handler=DefineRole", new Dictionary<string, string> { ["RoleName"] = "admin" },
            withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
        Assert.Equal(0, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.AppId == app.AppId)));
    }

    [Fact]
    public async Task DeletingAnAppOnTheDashboardNeedsItsNameTypedExactlyAndTakesItsRolesAlong()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Ledger");
        await RoleAsync(app, "admin", person: (await Server.SignedInAsync(Role.User)).User.UserName);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var path = $"/app/{app.AppId}";

        var refused = await admin.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = "ledger" }, expect: HttpStatusCode.BadRequest);
        Assert.Contains(refused.Errors, e => e.Contains("\"Ledger\" exactly"));
        Assert.Equal(1, await Server.QueryAsync(db => db.Apps.CountAsync(a => a.Id == app.AppId)));

        var deleted = await admin.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = "Ledger" });
        Assert.Equal("/apps?done=deleted", deleted.Location);
        Assert.Equal(0, await Server.QueryAsync(db => db.AppRoles.CountAsync(r => r.AppId == app.AppId)));
    }

    [Fact]
    public async Task TheApiDefinesGivesListsAndTakesARole()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var (user, _) = await Server.SignedInAsync(Role.User);
        var api = await Server.ApiClientAsync(admin);

        using var defined = await api.PostAsJsonAsync($"/api/v1/apps/{app.AppId}/roles", new { name = "editor", description = "Edits pages" });
        var role = await defined.Content.ReadFromJsonAsync<JsonElement>();
        var roleId = role.GetProperty("id").GetString();
        using var given = await api.PostAsJsonAsync($"/api/v1/apps/{app.AppId}/roles/{roleId}/holders", new { person = user.UserName });
        var holder = (await given.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holders").EnumerateArray().Single();
        using var bad = await api.PostAsJsonAsync($"/api/v1/apps/{app.AppId}/roles", new { name = "two words" });
        var listed = await api.GetFromJsonAsync<JsonElement>($"/api/v1/apps/{app.AppId}/roles");
        using var taken = await api.DeleteAsync($"/api/v1/apps/{app.AppId}/roles/{roleId}/holders/{holder.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.OK, defined.StatusCode);
        Assert.Equal(user.UserName, holder.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("editor", listed.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(0, await Server.QueryAsync(db => db.AppRoleHolders.CountAsync(h => h.RoleId == Guid.Parse(roleId!))));
    }
}

public sealed class AppRolesTestsOnSqlite(SqliteRoster fixture) : AppRolesTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppRolesTestsOnPostgres(PostgresRoster fixture) : AppRolesTests(fixture), IClassFixture<PostgresRoster>;
