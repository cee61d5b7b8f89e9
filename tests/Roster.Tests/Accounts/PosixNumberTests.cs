using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Groups;
using Roster.Hosting;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Accounts;

/// <summary>
/// The POSIX numbers of people and groups: drawn once from one sequence, never given again, distinct under
/// concurrent creation, from the configured range, skipping what Linux reserves. Each test runs its own server
/// on a new database, since the numbers depend on everything created before.
/// </summary>
public abstract class PosixNumberTests(string provider)
{
    private const string Password = "a long test password";

    private async Task<T> WithServerAsync<T>(Func<RosterServer, Task<T>> body, Dictionary<string, string?>? settings = null)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var server = await RosterServer.StartAsync(database, settings);
        return await body(server);
    }

    private static async Task<T> WithAsync<T>(RosterServer server, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private static Task<User> CreateAsync(RosterServer server, string username) => WithAsync(server, async services =>
        (await services.GetRequiredService<NewUsers>().CreateAsync(Actor.Operator,
            new NewUser($"{username}@example.org", username, username, Role.User, true, Password, Password))).Value!);

    private static Task<User> InviteAsync(RosterServer server, string email) => WithAsync(server, async services =>
        (await services.GetRequiredService<NewUsers>().InviteAsync(Actor.Operator, new NewInvitation(email, "Invited", Role.User, Notify: false))).Value!);

    private static Task<Group> GroupAsync(RosterServer server, string name) => WithAsync(server, async services =>
        (await services.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, name, "")).Value!);

    private static Task<int> StoredUidAsync(RosterServer server, Guid id) => server.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.UidNumber).SingleAsync());

    private static Task<int> StoredGidAsync(RosterServer server, Guid id) => server.QueryAsync(db => db.Groups.Where(g => g.Id == id).Select(g => g.GidNumber).SingleAsync());

    [Fact]
    public Task PeopleAndGroupsDrawFromOneSequenceInTheOrderTheyAreMade() => WithServerAsync(async server =>
    {
        var owner = await server.QueryAsync(db => db.Users.SingleAsync());
        var ada = await CreateAsync(server, "ada");
        var staff = await GroupAsync(server, "staff");
        var invited = await InviteAsync(server, "invited@example.org");
        var byManager = await server.CreateUserAsync("grace", Password);

        int[] numbers = [owner.UidNumber, await StoredUidAsync(server, ada.Id), await StoredGidAsync(server, staff.Id),
            await StoredUidAsync(server, invited.Id), await StoredUidAsync(server, byManager.Id)];

        Assert.Equal([10000, 10001, 10002, 10003, 10004], numbers);
        return true;
    });

    [Fact]
    public Task ANumberIsNeverGivenAgainAfterItsPersonOrGroupIsDeleted() => WithServerAsync(async server =>
    {
        var gone = await CreateAsync(server, "gone");
        var goneGroup = await GroupAsync(server, "gone-group");
        var taken = new[] { await StoredUidAsync(server, gone.Id), await StoredGidAsync(server, goneGroup.Id) };
        await WithAsync(server, async services =>
        {
            Assert.True((await services.GetRequiredService<UserChanges>().DeleteAsync(Actor.Operator, gone.Id)).Succeeded);
            Assert.True((await services.GetRequiredService<GroupChanges>().DeleteAsync(Actor.Operator, goneGroup.Id)).Succeeded);
            return true;
        });

        // The deleted ones held the highest numbers: max() + 1 would hand them out again.
        var next = await StoredUidAsync(server, (await CreateAsync(server, "next")).Id);
        var nextGroup = await StoredGidAsync(server, (await GroupAsync(server, "next-group")).Id);

        Assert.DoesNotContain(next, taken);
        Assert.DoesNotContain(nextGroup, taken);
        Assert.True(next > taken.Max() && nextGroup > next, $"{next}, {nextGroup} after {string.Join(", ", taken)}");
        return true;
    });

    [Fact]
    public Task ConcurrentCreationsOfPeopleAndGroupsGetDistinctNumbers() => WithServerAsync(async server =>
    {
        const int each = 12;
        var people = Enumerable.Range(0, each).Select(i => Task.Run(() => CreateAsync(server, $"person{i}")));
        var groups = Enumerable.Range(0, each).Select(i => Task.Run(() => GroupAsync(server, $"group{i}")));
        var created = await Task.WhenAll(people.Select(async p => (await p).Id).Concat(groups.Select(async g => (await g).Id)));

        var numbers = await server.QueryAsync(async db =>
            (await db.Users.Where(u => created.Contains(u.Id)).Select(u => u.UidNumber).ToListAsync())
            .Concat(await db.Groups.Where(g => created.Contains(g.Id)).Select(g => g.GidNumber).ToListAsync()).ToList());

        Assert.Equal(2 * each, numbers.Count);
        Assert.Equal(2 * each, numbers.Distinct().Count());
        // Nothing lost either: the owner has 10000, and these the next 24.
        Assert.Equal(Enumerable.Range(10001, 2 * each), numbers.Order());
        return true;
    });

    [Fact]
    public Task ARaisedFirstIdMovesTheSequenceForwardAndTheNumbersLinuxReservesAreSkipped() => WithServerAsync(async server =>
    {
        var owner = await server.QueryAsync(db => db.Users.SingleAsync());
        var groups = new List<int>();
        for (var i = 0; i < 3; i++)
            groups.Add(await StoredGidAsync(server, (await GroupAsync(server, $"g{i}")).Id));

        Assert.Equal(61182, owner.UidNumber);
        // 61184–65535: systemd's dynamic users, nobody and (uid_t)-1.
        Assert.Equal([61183, 65536, 65537], groups);
        return true;
    }, new() { ["Roster:Posix:FirstId"] = "61182" });

    [Fact]
    public Task AFirstIdAmongTheReservedNumbersStartsPastThem() => WithServerAsync(async server =>
    {
        var owner = await server.QueryAsync(db => db.Users.SingleAsync());
        var group = await StoredGidAsync(server, (await GroupAsync(server, "first-group")).Id);

        Assert.Equal((65536, 65537), (owner.UidNumber, group));
        return true;
    }, new() { ["Roster:Posix:FirstId"] = "62000" });

    [Fact]
    public Task TheRangeUsedUpRefusesNewPeopleAndLeavesNothingHalfMade() => WithServerAsync(async server =>
    {
        // The owner took 20000, the only number there is.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => GroupAsync(server, "one-too-many"));

        Assert.Contains("Roster__Posix__LastId", refused.Message);
        Assert.False(await server.QueryAsync(db => db.Groups.AnyAsync()));
        return true;
    }, new() { ["Roster:Posix:FirstId"] = "20000", ["Roster:Posix:LastId"] = "20000" });
}

public sealed class PosixNumbersOnSqlite() : PosixNumberTests("Sqlite");

public sealed class PosixNumbersOnPostgres() : PosixNumberTests("Postgres");

/// <summary>Roster:Posix is checked before anything starts; a setting that cannot work is named in one line.</summary>
public sealed class PosixOptionsTests
{
    [Theory]
    [InlineData("FirstId", "500", "below 1000")]
    [InlineData("LastId", "9999", "below Roster__Posix__FirstId")]
    [InlineData("HomeDirectory", "home/{username}", "absolute path")]
    [InlineData("HomeDirectory", "/home/shared", "no {username}")]
    [InlineData("HomeDirectory", "/home/{username}/{uid}", "placeholder")]
    [InlineData("LoginShell", "/bin/bash:/tmp", "colons")]
    public void ASettingThatCannotWorkStopsTheStartNamingIt(string key, string value, string reason)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RosterHost.CreateBuilder([$"--Roster:Posix:{key}={value}"]));

        Assert.StartsWith($"Roster__Posix__{key}:", refused.Message);
        Assert.Contains(reason, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task TheCommandLineRefusesABadRangeWithOneLineAndExitOne()
    {
        using var folder = new TempDirectory();

        var (exit, _, errors) = await RosterProcess.RunAsync(folder.Path, new Dictionary<string, string?> { ["Roster__Posix__FirstId"] = "0" }, "user", "list");

        Assert.Equal(1, exit);
        Assert.Single(errors.TrimEnd().Split('\n'));
        Assert.Contains("Roster__Posix__FirstId", errors);
    }
}
