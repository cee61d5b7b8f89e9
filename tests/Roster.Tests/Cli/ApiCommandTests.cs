using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>`roster api …`, `roster app refresh-tokens` and `roster app consent` through the real executable.</summary>
public sealed class ApiCommandTests : IAsyncLifetime
{
    private readonly TempDirectory folder = new();
    private readonly Dictionary<string, string?> environment = new() { ["Roster__PublicUrl"] = "https://id.example.org" };

    public async Task InitializeAsync() => Assert.Equal(0, (await RunAsync("migrate")).ExitCode);

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RosterProcess.RunAsync(folder.Path, environment, args);

    [Fact]
    public async Task AnApiIsRegisteredWithItsSecretOnceAndBadInputFailsWithOneLineAndChangesNothing()
    {
        var plainHttp = await RunAsync("api", "create", "--name", "Orders", "--identifier", "http://api.example.org/", "--scopes", "orders:read");
        Assert.Equal((1, 1), (plainHttp.ExitCode, plainHttp.Stderr.Trim().Split('\n').Length));
        Assert.Contains("https://", plainHttp.Stderr);
        Assert.Equal("[]", (await RunAsync("api", "list", "--json")).Stdout.Trim());

        var created = await RunAsync("api", "create", "--name", "Orders", "--identifier", "https://api.example.org/", "--scopes", "orders:read orders:write");
        Assert.Equal(0, created.ExitCode);
        Assert.Matches(@"(?m)^Introspection secret: \S{43}\r?$", created.Stdout);
        var listed = JsonDocument.Parse((await RunAsync("api", "list", "--json")).Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("orders:read orders:write", listed.GetProperty("scopes").GetString());
        Assert.DoesNotContain(created.Stdout.Split("Introspection secret: ")[1].Trim(), (await RunAsync("api", "list", "--json")).Stdout);

        Assert.Equal(0, (await RunAsync("app", "create", "--name", "Shop", "--url", "https://shop.example.org", "--confidential")).ExitCode);
        var unknownScope = await RunAsync("api", "allow", "https://api.example.org/", "--app", "Shop", "--scopes", "orders:admin");
        Assert.Equal((1, 1), (unknownScope.ExitCode, unknownScope.Stderr.Trim().Split('\n').Length));
        Assert.Contains("not one of this API's scopes", unknownScope.Stderr);
        Assert.Equal(0, (await RunAsync("api", "allow", "https://api.example.org/", "--app", "Shop", "--scopes", "orders:read")).ExitCode);
        Assert.Equal(0, (await RunAsync("app", "refresh-tokens", "Shop", "--offline-access")).ExitCode);
        Assert.Equal(1, (await RunAsync("app", "refresh-tokens", "Nobody")).ExitCode);
        Assert.Equal(0, (await RunAsync("api", "delete", "https://api.example.org/")).ExitCode);
        Assert.Equal("[]", (await RunAsync("api", "list", "--json")).Stdout.Trim());
    }

    [Fact]
    public async Task ConsentIsTurnedOnAndOffAndAnUnknownAppOrValueChangesNothing()
    {
        Assert.Equal(0, (await RunAsync("app", "create", "--name", "Planner", "--url", "https://planner.example.org", "--confidential")).ExitCode);

        Assert.Equal("Planner: each person is asked for their consent.", (await RunAsync("app", "consent", "Planner", "on")).Stdout.Trim());
        // A value that is not on or off is a usage error (exit 2, as for every command), and changes nothing.
        var wrong = await RunAsync("app", "consent", "Planner", "maybe");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("maybe", wrong.Stderr);
        var nobody = await RunAsync("app", "consent", "Nobody", "off");
        Assert.Equal((1, 1), (nobody.ExitCode, nobody.Stderr.Trim().Split('\n').Length));
        Assert.Contains("Planner", (await RunAsync("app", "list")).Stdout);
        Assert.Equal("Planner: no one is asked for their consent.", (await RunAsync("app", "consent", "Planner", "off")).Stdout.Trim());
    }

    [Fact]
    public async Task AnAppsRolesAreAddedGivenListedTakenAndDeletedAndMistakesFailWithOneLine()
    {
        Assert.Equal(0, (await RunAsync("app", "create", "--name", "Grafana", "--url", "https://grafana.example.org", "--confidential")).ExitCode);
        Assert.Equal(0, (await RunAsync("group", "create", "ops")).ExitCode);
        Assert.Equal(0, (await RunAsync("app", "role", "add", "Grafana", "admin", "--description", "Full rights")).ExitCode);
        Assert.Equal(0, (await RunAsync("app", "role", "give", "Grafana", "admin", "--group", "ops")).ExitCode);

        Assert.Equal("admin\tgroup:ops\tFull rights", (await RunAsync("app", "role", "list", "Grafana")).Stdout.Trim());
        var badName = await RunAsync("app", "role", "add", "Grafana", "two words");
        Assert.Equal((1, 1), (badName.ExitCode, badName.Stderr.Trim().Split('\n').Length));
        var unknownGroup = await RunAsync("app", "role", "give", "Grafana", "admin", "--group", "nobody");
        Assert.Equal((1, 1), (unknownGroup.ExitCode, unknownGroup.Stderr.Trim().Split('\n').Length));
        Assert.Equal(2, (await RunAsync("app", "role", "delete", "Grafana", "admin")).ExitCode);
        Assert.Equal(0, (await RunAsync("app", "role", "take", "Grafana", "admin", "--group", "ops")).ExitCode);
        Assert.Equal("admin\t\tFull rights", (await RunAsync("app", "role", "list", "Grafana")).Stdout.Trim());
        Assert.Equal(0, (await RunAsync("app", "role", "delete", "Grafana", "admin", "--yes")).ExitCode);
        Assert.Equal("", (await RunAsync("app", "role", "list", "Grafana")).Stdout.Trim());
    }
}
