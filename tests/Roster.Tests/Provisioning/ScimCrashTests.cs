using Microsoft.EntityFrameworkCore;
using Roster.Outbox;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Provisioning;

/// <summary>
/// The outbox promise for SCIM, with Roster as real processes configured by the command line: changes made while the
/// provider is down, and while Roster itself is killed (SIGKILL) in between, all reach the provider once both are back.
/// </summary>
public sealed class ScimCrashTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task ChangesMadeWhileTheProviderIsDownArriveAfterRosterIsKilledAndRestarted(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var scim = await ScimProvider.StartAsync();
        using var folder = new TempDirectory();
        var environment = RosterServer.TestSettings(Path.Combine(folder.Path, "data"))
            .Concat(database.Settings())
            .Append(new("Roster:Owner:Password", "correct battery staple"))
            .Append(new("Roster:Smtp:MaxRetryDelay", "00:00:02"))
            .AsEnvironment();
        async Task<string> RunAsync(params string[] args)
        {
            var (exit, stdout, stderr) = await RosterProcess.RunAsync(folder.Path, environment, args);
            Assert.True(exit == 0, $"roster {string.Join(' ', args)}: {stderr}");
            Assert.DoesNotContain(ScimProvider.Token, stdout + stderr);
            return stdout;
        }
        var tokenFile = Path.Combine(folder.Path, "scim-token");
        await File.WriteAllTextAsync(tokenFile, ScimProvider.Token + "\n");

        var outputs = new List<string>();
        await using (var server = await RosterProcess.StartServerAsync(folder.Path, environment))
        {
            await RunAsync("user", "create", "--email", "ann@example.org", "--username", "ann", "--name", "Ann A", "--password", "a long test password");
            await RunAsync("app", "create", "--name", "Wiki", "--url", "https://wiki.example.org");
            var connected = await RunAsync("app", "scim", "Wiki", "--url", scim.BaseUrl, "--token-file", tokenFile, "--deprovision", "delete");
            Assert.Contains("Provisioning: on", connected);
            Assert.Contains("Token: set", connected);
            await Eventually.GetAsync(async () => await scim.UserByNameAsync("ann") is { } ann ? ann : null, "ann at the provider", TimeSpan.FromSeconds(60));

            await scim.StopAsync();
            await RunAsync("user", "create", "--email", "bob@example.org", "--username", "bob", "--name", "Bob B", "--password", "a long test password");
            await RunAsync("user", "update", "ann", "--name", "Ann Renamed");
            await Eventually.GetAsync(async () =>
            {
                await using var db = database.Connect();
                return await db.Outbox.AnyAsync(m => m.Channel == OutboxChannel.Scim && m.SentAt == null && m.Attempts > 0) ? "" : null;
            }, "a failed SCIM push", TimeSpan.FromSeconds(60));
            server.Kill();
            outputs.Add(server.Output);
        }
        // With Roster down too: only the command line.
        await RunAsync("user", "create", "--email", "carol@example.org", "--username", "carol", "--name", "Carol C", "--password", "a long test password");
        await RunAsync("user", "delete", "ann", "--yes");

        await scim.RestartAsync();
        await using (var restarted = await RosterProcess.StartServerAsync(folder.Path, environment))
        {
            await Eventually.GetAsync(async () =>
            {
                var users = await scim.UsersAsync();
                return users.Any(u => u.UserName == "bob") && users.Any(u => u.UserName == "carol") && users.All(u => u.UserName != "ann") ? "" : null;
            }, "bob and carol at the provider, and ann gone", TimeSpan.FromSeconds(60));
            var status = await RunAsync("app", "scim", "Wiki", "--json");
            Assert.Contains("\"tokenSet\": true", status);
            Assert.Contains("queued", await RunAsync("app", "scim", "sync", "Wiki"));
            await Eventually.GetAsync(async () =>
            {
                await using var db = database.Connect();
                return await db.Outbox.AnyAsync(m => m.Channel == OutboxChannel.Scim && m.SentAt == null && m.GaveUpAt == null) ? null : "";
            }, "every SCIM job done", TimeSpan.FromSeconds(60));
            outputs.Add(restarted.Output);
        }

        var final = await scim.UsersAsync();
        Assert.Equal(["bob", "carol", "owner"], final.Select(u => u.UserName!).Order());
        Assert.All(final, u => Assert.True(u.Active));
        Assert.All(outputs, output => Assert.DoesNotContain(ScimProvider.Token, output));
    }
}
