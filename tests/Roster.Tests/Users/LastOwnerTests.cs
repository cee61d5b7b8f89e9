using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Users;

/// <summary>There is always an owner: no surface, no role and no race deletes, disables or demotes the last one.</summary>
public abstract class LastOwnerTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private async Task<User> OwnerAsync() =>
        await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == Server.Owner.Username));

    private async Task AssertOwnerIntactAsync()
    {
        var owner = await OwnerAsync();
        Assert.Equal(Role.Owner, owner.Role);
        Assert.True(owner.Enabled);
    }

    private static async Task<Page> PostAsync(FormClient browser, string path, Dictionary<string, string>? fields = null, Expect? expect = null) =>
        await browser.SubmitAsync("/account", path, fields ?? [], expect: expect);

    [Fact]
    public async Task TheOwnerCannotDemoteDisableOrDeleteThemselvesOnTheirPage()
    {
        var owner = await OwnerAsync();
        using var browser = Server.NewClient();
        await browser.SignInAsync(Server.Owner.Username, Server.Owner.Password);

        var demote = await PostAsync(browser, $"/user/{owner.Id}?handler=Role", new() { ["NewRole"] = "Admin" }, expect: HttpStatusCode.BadRequest);
        var disable = await PostAsync(browser, $"/user/{owner.Id}?handler=Disable", expect: HttpStatusCode.BadRequest);
        var delete = await PostAsync(browser, $"/user/{owner.Id}?handler=Delete", new() { ["ConfirmName"] = owner.Name }, expect: HttpStatusCode.BadRequest);

        Assert.Contains(demote.Errors, e => e.Contains("is the last owner"));
        Assert.Contains(disable.Errors, e => e.Contains("cannot disable your own account"));
        Assert.Contains(delete.Errors, e => e.Contains("cannot delete your own account"));
        await AssertOwnerIntactAsync();
    }

    [Theory]
    [InlineData(Role.Admin)]
    [InlineData(Role.UserManager)]
    public async Task OtherRolesCannotTouchTheOwnerOnPagesOrApi(Role role)
    {
        var owner = await OwnerAsync();
        var (actor, browser) = await Server.SignedInAsync(role);
        using var api = await Server.ApiClientAsync(actor);

        await PostAsync(browser, $"/user/{owner.Id}?handler=Disable", expect: HttpStatusCode.Forbidden);
        await PostAsync(browser, $"/user/{owner.Id}?handler=Delete", new() { ["ConfirmName"] = owner.Name }, expect: HttpStatusCode.Forbidden);
        await PostAsync(browser, $"/users/delete?ids={owner.Id}", new() { ["ids"] = owner.Id.ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DeleteAsync($"/api/v1/users/{owner.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PatchAsJsonAsync($"/api/v1/users/{owner.Id}", new { role = "User" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync($"/api/v1/users/{owner.Id}/disable", null)).StatusCode);
        await AssertOwnerIntactAsync();
        browser.Dispose();
    }

    [Fact]
    public async Task TheOwnersOwnApiTokenCannotDemoteDisableOrDeleteThem()
    {
        var owner = await OwnerAsync();
        using var api = await Server.ApiClientAsync(owner);

        var demote = await api.PatchAsJsonAsync($"/api/v1/users/{owner.Id}", new { role = "Admin" });
        var disable = await api.PostAsync($"/api/v1/users/{owner.Id}/disable", null);
        var delete = await api.DeleteAsync($"/api/v1/users/{owner.Id}");

        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Contains("user.last_owner", await demote.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, disable.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        await AssertOwnerIntactAsync();
    }

    [Fact]
    public async Task TheOperatorAtTheCommandLineIsHeldToTheGuardrailToo()
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<UserChanges>();
        var owner = await OwnerAsync();

        var disable = await changes.SetEnabledAsync(Actor.Operator, owner.Id, false);
        var demote = await changes.SetRoleAsync(Actor.Operator, owner.Id, Role.Admin);
        var delete = await changes.DeleteAsync(Actor.Operator, owner.Id);

        Assert.All([disable, demote, delete], r => Assert.Equal("user.last_owner", Assert.Single(r.Errors).Code));
        await AssertOwnerIntactAsync();
    }

    [Fact]
    public async Task WithASecondOwnerEitherMayBeDemotedButConcurrentDemotionsLeaveOne()
    {
        var first = await OwnerAsync();
        var second = await Server.CreateUserAsync("second" + Guid.NewGuid().ToString("N")[..6], "a long test password", Role.Owner);

        async Task<bool> DemoteAsync(User actor, User target)
        {
            await using var scope = Server.App.Services.CreateAsyncScope();
            var fresh = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByIdAsync(actor.Id.ToString());
            return (await scope.ServiceProvider.GetRequiredService<UserChanges>().SetRoleAsync(Actor.For(fresh!), target.Id, Role.Admin)).Succeeded;
        }

        var results = await Task.WhenAll(DemoteAsync(first, second), DemoteAsync(second, first));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(1, await Server.QueryAsync(db => db.Users.CountAsync(u => u.Role == Role.Owner)));
        // Put the first owner back for the other tests of this class.
        await using var restore = Server.App.Services.CreateAsyncScope();
        var db = restore.ServiceProvider.GetRequiredService<Roster.Data.RosterDb>();
        await db.Users.Where(u => u.Id == first.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Role, Role.Owner));
        await db.Users.Where(u => u.Id == second.Id).ExecuteDeleteAsync();
    }
}

public sealed class LastOwnerOnSqlite(SqliteRoster fixture) : LastOwnerTests(fixture), IClassFixture<SqliteRoster>;

public sealed class LastOwnerOnPostgres(PostgresRoster fixture) : LastOwnerTests(fixture), IClassFixture<PostgresRoster>;
