using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Outbox;
using Roster.Provisioning;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Provisioning;

/// <summary>What the SCIM tests do to a Roster: apps, groups and people changed through Roster's own services, and waiting on the provider.</summary>
public sealed class ScimFlow(RosterServer server)
{
    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<Result<T>>> change)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var result = await change(scope.ServiceProvider);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Value!;
    }

    public Task<Group> GroupAsync(string name) =>
        WithAsync(s => s.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, name + Guid.NewGuid().ToString("N")[..6], null));

    /// <summary>An app open to members of <paramref name="groups"/> (to everyone without), connected by an admin through the app's page.</summary>
    public async Task<(Guid App, FormClient Admin)> ConnectedAppAsync(ScimProvider provider, Deprovisioning deprovision, params Group[] groups)
    {
        var app = await WithAsync(s => s.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, new AppSettings(
            "Wiki " + Guid.NewGuid().ToString("N")[..6], "https://wiki.example.org", "", DirectoryMode.UseRoster,
            groups.Length == 0 ? AppAccess.Everyone : AppAccess.Groups, [.. groups.Select(g => g.Id)])));
        var (_, admin) = await server.SignedInAsync(Role.Admin);
        var saved = await admin.SubmitAsync($"/app/{app.Id}", $"/app/{app.Id}/scim?handler=Save", new Dictionary<string, string>
        {
            ["ScimUrl"] = provider.BaseUrl, ["ScimToken"] = ScimProvider.Token, ["ScimDeprovision"] = deprovision.ToString(), ["ScimEnabled"] = "true",
        });
        Assert.Equal($"/app/{app.Id}?scim=saved#scim-heading", saved.Location);
        await SettledAsync(app.Id);
        return (app.Id, admin);
    }

    public async Task<User> PersonAsync(string username, params Group[] groups)
    {
        var user = await server.CreateUserAsync(username + Guid.NewGuid().ToString("N")[..6], "a long test password");
        foreach (var group in groups)
            await WithAsync(s => s.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, [user.Id.ToString()]));
        return user;
    }

    public Task<User> ChangeAsync(Guid userId, UserPatch patch) => WithAsync(s => s.GetRequiredService<UserChanges>().PatchAsync(Actor.Operator, userId, patch));

    public Task<Group> AddAsync(Group group, User user) => WithAsync(s => s.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, [user.Id.ToString()]));

    public Task<Group> RemoveAsync(Group group, User user) => WithAsync(s => s.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, group.Id, [user.Id]));

    public Task<User> DeleteAsync(User user) => WithAsync(s => s.GetRequiredService<UserChanges>().DeleteAsync(Actor.Operator, user.Id));

    /// <summary>The app's SCIM jobs not yet delivered nor given up.</summary>
    public Task<int> PendingAsync(Guid appId) => server.QueryAsync(db =>
        db.Outbox.CountAsync(m => m.Channel == OutboxChannel.Scim && m.To == appId.ToString() && m.SentAt == null && m.GaveUpAt == null));

    public Task<ScimConnection> ConnectionAsync(Guid appId) => server.QueryAsync(db => db.ScimConnections.AsNoTracking().SingleAsync(c => c.AppId == appId));

    /// <summary>Waits until every job of the app has run, moving Roster's clock on so retries come due.</summary>
    public Task SettledAsync(Guid appId, TimeSpan? timeout = null) => Eventually.GetAsync(async () =>
    {
        if (await PendingAsync(appId) == 0)
            return "";
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        return null;
    }, "every SCIM job of the app to have run", timeout ?? TimeSpan.FromSeconds(30));
}
