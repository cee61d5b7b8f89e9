using Microsoft.EntityFrameworkCore;
using Roster.Provisioning;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Provisioning;

/// <summary>
/// Roster provisions a real SCIM 2.0 service provider (scimmy and its express routers, tests/interop/scim): after every
/// change of a person, a membership or the app's rule, the provider holds what Roster says, through outages too.
/// </summary>
public abstract class ScimInteropTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private ScimFlow Flow => new(Server);

    [Fact]
    public async Task EachChangeOfAPersonArrivesAndTheProviderMatchesRosterAfterEachStep()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var ops = await Flow.GroupAsync("ops");
        var (app, _) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff, ops);
        var outsider = await Flow.PersonAsync("outsider");

        // Created, allowed by the app's rule through staff.
        var ann = await Flow.PersonAsync("ann", staff);
        await Flow.SettledAsync(app);
        var pushed = (await provider.UserAsync(ann.Id))!;
        Assert.Equal((ann.UserName, ann.Name, ann.Email, true), (pushed.UserName, pushed.DisplayName, pushed.Email, pushed.Active));
        Assert.Null(await provider.UserAsync(outsider.Id));
        Assert.Equal([pushed.Id], await MembersAsync(provider, staff.Id));

        // Renamed, with a new name and address.
        await Flow.ChangeAsync(ann.Id, new UserPatch(Name: "Ann Other", Username: "ann-other-" + ann.Id.ToString("N")[..6], Email: $"other-{ann.Id:N}@example.org"));
        await Flow.SettledAsync(app);
        var renamed = (await provider.UserAsync(ann.Id))!;
        Assert.Equal((pushed.Id, "ann-other-" + ann.Id.ToString("N")[..6], "Ann Other", $"other-{ann.Id:N}@example.org"),
            (renamed.Id, renamed.UserName, renamed.DisplayName, renamed.Email));

        // Added to the app's other group, then taken out of it: still allowed through staff.
        await Flow.AddAsync(ops, ann);
        await Flow.SettledAsync(app);
        Assert.Equal([pushed.Id], await MembersAsync(provider, ops.Id));
        await Flow.RemoveAsync(ops, ann);
        await Flow.SettledAsync(app);
        Assert.Empty(await MembersAsync(provider, ops.Id));
        Assert.True((await provider.UserAsync(ann.Id))!.Active);

        // Taken out of the last group that allowed them: deactivated, not deleted.
        await Flow.RemoveAsync(staff, ann);
        await Flow.SettledAsync(app);
        Assert.False((await provider.UserAsync(ann.Id))!.Active);
        Assert.Empty(await MembersAsync(provider, staff.Id));
        await Flow.AddAsync(staff, ann);
        await Flow.SettledAsync(app);
        Assert.True((await provider.UserAsync(ann.Id))!.Active);

        // Disabled: deactivated there and out of its groups; enabled again: back.
        await Flow.ChangeAsync(ann.Id, new UserPatch(Enabled: false));
        await Flow.SettledAsync(app);
        Assert.False((await provider.UserAsync(ann.Id))!.Active);
        Assert.Empty(await MembersAsync(provider, staff.Id));
        await Flow.ChangeAsync(ann.Id, new UserPatch(Enabled: true));
        await Flow.SettledAsync(app);
        Assert.True((await provider.UserAsync(ann.Id))!.Active);
        Assert.Equal([pushed.Id], await MembersAsync(provider, staff.Id));

        // Deleted, with the app set to delete: gone there.
        await Flow.DeleteAsync(ann);
        await Flow.SettledAsync(app);
        Assert.Null(await provider.UserAsync(ann.Id));
        Assert.Empty(await MembersAsync(provider, staff.Id));
        Assert.Empty(await Server.QueryAsync(db => db.ScimResources.Where(r => r.AppId == app && r.LocalId == ann.Id).ToListAsync()));
        Assert.Contains($"DELETE /Users/{pushed.Id}", await provider.RequestsAsync());
        var connection = await Flow.ConnectionAsync(app);
        Assert.Null(connection.LastErrorAt);
        Assert.NotNull(connection.LastSuccessAt);
    }

    [Fact]
    public async Task ADeletedPersonIsOnlyDeactivatedWhenTheAppSaysSoAndAnAppOpenToEveryoneGetsEveryoneButNoGroups()
    {
        await using var provider = await ScimProvider.StartAsync();
        var before = await Server.QueryAsync(db => db.Users.CountAsync(u => u.Enabled && !u.InvitationPending));
        var (app, _) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Deactivate);
        var bob = await Flow.PersonAsync("bob");
        await Flow.SettledAsync(app);
        Assert.True((await provider.UserAsync(bob.Id))!.Active);
        Assert.Equal(before + 2, (await provider.UsersAsync()).Count); // everyone, the admin who connected it and bob included

        await Flow.DeleteAsync(bob);
        await Flow.SettledAsync(app);

        Assert.False((await provider.UserAsync(bob.Id))!.Active);
        Assert.Empty(await provider.GroupsAsync());
        Assert.Contains(await provider.RequestsAsync(), r => r.StartsWith("PATCH /Users/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithTheProviderDownEveryChangeArrivesOnceItIsBack()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, admin) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        var carol = await Flow.PersonAsync("carol", staff);
        var dave = await Flow.PersonAsync("dave", staff);
        await Flow.SettledAsync(app);
        var daveThere = (await provider.UserAsync(dave.Id))!;

        await provider.StopAsync();
        var erin = await Flow.PersonAsync("erin", staff);
        await Flow.ChangeAsync(carol.Id, new UserPatch(Name: "Carol Renamed"));
        await Flow.DeleteAsync(dave);
        await Eventually.GetAsync(async () => (await Flow.ConnectionAsync(app)).LastErrorAt is not null ? "" : null, "a failed push");
        var page = await admin.GetAsync($"/app/{app}");
        Assert.Contains("Last error", page.Text);
        Assert.Contains("Connection refused", (await Flow.ConnectionAsync(app)).LastError);
        Assert.True(await Flow.PendingAsync(app) > 0);

        await provider.RestartAsync();
        await Flow.SettledAsync(app);

        Assert.Equal("Carol Renamed", (await provider.UserAsync(carol.Id))!.DisplayName);
        Assert.True((await provider.UserAsync(erin.Id))!.Active);
        Assert.Null(await provider.UserAsync(dave.Id));
        Assert.DoesNotContain(await provider.UsersAsync(), u => u.Id == daveThere.Id);
        var members = await MembersAsync(provider, staff.Id);
        Assert.Equal(new[] { (await provider.UserAsync(carol.Id))!.Id, (await provider.UserAsync(erin.Id))!.Id }.Order(), members.Order());
    }

    [Fact]
    public async Task SyncNowRepairsAProviderChangedBehindRostersBackAndLeavesItsOwnAccountsAlone()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, admin) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        var frank = await Flow.PersonAsync("frank", staff);
        var grace = await Flow.PersonAsync("grace", staff);
        await Flow.SettledAsync(app);
        var local = await provider.CreateUserAsync("the-apps-own-admin");
        var foreign = await provider.CreateUserAsync("someone-else", externalId: Guid.NewGuid().ToString());
        await provider.DeleteBehindRostersBackAsync((await provider.UserAsync(frank.Id))!.Id);
        await provider.RenameBehindRostersBackAsync((await provider.UserAsync(grace.Id))!.Id, "hijacked");

        var synced = await admin.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Sync", new Dictionary<string, string>());
        Assert.Equal($"/app/{app}?scim=sync#scim-heading", synced.Location);
        await Flow.SettledAsync(app);

        Assert.Equal(frank.UserName, (await provider.UserAsync(frank.Id))!.UserName);
        Assert.Equal(grace.UserName, (await provider.UserAsync(grace.Id))!.UserName);
        var users = await provider.UsersAsync();
        Assert.Contains(users, u => u.Id == local && u.UserName == "the-apps-own-admin" && u.Active);
        Assert.Contains(users, u => u.Id == foreign && u.Active);
        Assert.Equal(2, (await MembersAsync(provider, staff.Id)).Count);
        Assert.NotNull((await Flow.ConnectionAsync(app)).LastSyncAt);
        Assert.Contains(await Server.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "app.scim-sync").Select(e => e.Details).ToListAsync()),
            d => d!.StartsWith("Wiki", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAccountAlreadyThereUnderTheSameNameIsAdoptedAfterAConflict()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, _) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        var name = "heidi" + Guid.NewGuid().ToString("N")[..6];
        var existing = await provider.CreateUserAsync(name);
        var heidi = await Server.CreateUserAsync(name, "a long test password");

        await Flow.AddAsync(staff, heidi);
        await Flow.SettledAsync(app);

        var there = (await provider.UserAsync(heidi.Id))!;
        Assert.Equal(existing, there.Id);
        Assert.Equal(heidi.Name, there.DisplayName);
        Assert.Single(await provider.UsersAsync(), u => u.UserName == name);
    }

    [Theory]
    [InlineData("500", "answered POST Users with 500: the app is having a bad day")]
    [InlineData("garbage", "a body that is not JSON")]
    public async Task AProviderFailingIsRetriedWithItsErrorOnTheAppPageAndNoJobIsLost(string mode, string error)
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, admin) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        await provider.SetModeAsync(mode);

        var ivan = await Flow.PersonAsync("ivan", staff);
        await Eventually.GetAsync(async () => (await Flow.ConnectionAsync(app)).LastError?.Contains(error) == true ? "" : null, $"the error \"{error}\"");
        Server.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.GetAsync(async () => await Server.QueryAsync(db => db.Outbox.AnyAsync(m => m.To == app.ToString() && m.Attempts >= 2)) ? "" : null, "a retry");
        var page = await admin.GetAsync($"/app/{app}");
        Assert.Contains(error, page.Text);
        Assert.True(await Flow.PendingAsync(app) > 0);

        await provider.SetModeAsync("ok");
        await Flow.SettledAsync(app);
        Assert.True((await provider.UserAsync(ivan.Id))!.Active);
    }

    [Fact]
    public async Task AProviderThatDoesNotAnswerIsRetriedAfterTheTimeout()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, _) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        var kim = await Flow.PersonAsync("kim", staff);
        await Flow.SettledAsync(app);
        await provider.SetModeAsync("slow");

        await Flow.ChangeAsync(kim.Id, new UserPatch(Name: "Kim Renamed"));
        await Eventually.GetAsync(async () => (await Flow.ConnectionAsync(app)).LastError?.Contains("did not answer within 10 seconds") == true ? "" : null,
            "a timed-out push", TimeSpan.FromSeconds(40));
        await provider.SetModeAsync("ok");
        await Flow.SettledAsync(app, TimeSpan.FromSeconds(60));

        Assert.Equal("Kim Renamed", (await provider.UserAsync(kim.Id))!.DisplayName);
    }

    [Fact]
    public async Task AProviderRefusingARequestForGoodIsGivenUpWithAClearErrorAndAnAuditEntry()
    {
        await using var provider = await ScimProvider.StartAsync();
        var staff = await Flow.GroupAsync("staff");
        var (app, admin) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, staff);
        await provider.SetModeAsync("400");

        var judy = await Flow.PersonAsync("judy", staff);
        await Flow.SettledAsync(app);

        var connection = await Flow.ConnectionAsync(app);
        Assert.Contains("refused POST Users with 400: this app refuses everything", connection.LastError);
        Assert.True(await Server.QueryAsync(db => db.Outbox.AnyAsync(m => m.To == app.ToString() && m.GaveUpAt != null && m.Subject == $"user {judy.Id}")));
        Assert.Contains(await Server.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "app.scim-gave-up").Select(e => e.Details).ToListAsync()),
            d => d!.Contains("this app refuses everything"));
        Assert.Contains("this app refuses everything", (await admin.GetAsync($"/app/{app}")).Text);
    }

    private static async Task<List<string>> MembersAsync(ScimProvider provider, Guid groupId) =>
        [.. (await provider.GroupsAsync()).SingleOrDefault(g => g.ExternalId == groupId.ToString())?.Members ?? []];
}

public sealed class ScimInteropOnSqlite(SqliteRoster fixture) : ScimInteropTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ScimInteropOnPostgres(PostgresRoster fixture) : ScimInteropTests(fixture), IClassFixture<PostgresRoster>;
