using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>`roster user …` through the real executable, on a database the server created.</summary>
public sealed class UserCommandTests : IAsyncLifetime
{
    private readonly TempDirectory folder = new();
    private Dictionary<string, string?> environment = [];

    public async Task InitializeAsync()
    {
        environment = new Dictionary<string, string?>
        {
            ["Roster__PublicUrl"] = "https://id.example.org",
            ["Roster__Owner__Password"] = "the operators secret",
            ["Roster__Accounts__PasswordIterations"] = "1000",
        };
        Assert.Equal(0, (await RunAsync("migrate")).ExitCode);
    }

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RosterProcess.RunAsync(folder.Path, environment, args);

    [Fact]
    public async Task AnOperatorCreatesListsDisablesEnablesMakesAResetLinkAndDeletesAUser()
    {
        var created = await RunAsync("user", "create", "--email", "ada@example.org", "--username", "ada", "--name", "Ada Lovelace");
        Assert.Equal(0, created.ExitCode);
        Assert.Matches(@"Password: \S{20}", created.Stdout);

        var list = await RunAsync("user", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        var ada = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single(u => u.GetProperty("username").GetString() == "ada");
        Assert.Equal("Enabled", ada.GetProperty("status").GetString());

        Assert.Equal(0, (await RunAsync("user", "disable", "ada")).ExitCode);
        Assert.Contains("Disabled", (await RunAsync("user", "list", "--search", "lovelace")).Stdout);
        Assert.Equal(0, (await RunAsync("user", "enable", "ADA@example.org")).ExitCode);

        var link = await RunAsync("user", "reset-link", "ada");
        Assert.Equal(0, link.ExitCode);
        Assert.Matches(@"^Link: https://id\.example\.org/reset-password/[A-Za-z0-9_-]{43}\s*$", link.Stdout);

        Assert.Equal(0, (await RunAsync("user", "delete", "ada", "--yes")).ExitCode);
        Assert.DoesNotContain("ada@example.org", (await RunAsync("user", "list")).Stdout);
    }

    [Fact]
    public async Task TheSameRulesRefuseBadInputWithOneLineAndExitOne()
    {
        var reserved = await RunAsync("user", "create", "--email", "x@example.org", "--username", "postmaster", "--name", "X");
        var tooLong = await RunAsync("user", "invite", "--email", new string('a', 53) + "@example.org", "--name", "X");
        var missing = await RunAsync("user", "disable", "nobody-here");

        foreach (var refused in new[] { reserved, tooLong, missing })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Single(refused.Stderr.TrimEnd().Split('\n'));
        }
        Assert.Contains("reserved", reserved.Stderr);
        Assert.Contains("at most 64", tooLong.Stderr);
        Assert.DoesNotContain("x@example.org", (await RunAsync("user", "list")).Stdout);
    }

    [Fact]
    public async Task TheLastOwnerCannotBeDisabledOrDeletedFromTheCommandLine()
    {
        await using (var server = await RosterProcess.StartServerAsync(folder.Path, environment))
        {
            // The server's first start created the owner.
        }

        var disable = await RunAsync("user", "disable", "owner");
        var delete = await RunAsync("user", "delete", "owner", "--yes");

        Assert.Equal(1, disable.ExitCode);
        Assert.Contains("last owner", disable.Stderr);
        Assert.Equal(1, delete.ExitCode);
        Assert.Contains("Owner\tEnabled", (await RunAsync("user", "list")).Stdout);
    }

    [Fact]
    public async Task DeletingNeedsAnExplicitYes()
    {
        var (exitCode, _, stderr) = await RunAsync("user", "delete", "someone");

        Assert.Equal(2, exitCode);
        Assert.Contains("--yes", stderr);
    }

    [Fact]
    public async Task GroupsAndAppsAreManagedFromTheCommandLineWithTheSameRules()
    {
        Assert.Equal(0, (await RunAsync("user", "create", "--email", "kim@example.org", "--username", "kim", "--name", "Kim")).ExitCode);
        Assert.Equal(0, (await RunAsync("group", "create", "ops", "--description", "Operations")).ExitCode);
        var duplicate = await RunAsync("group", "create", "OPS");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already a group", duplicate.Stderr);
        Assert.Equal(1, (await RunAsync("group", "create", "bad name")).ExitCode);
        Assert.Equal(0, (await RunAsync("group", "add-member", "ops", "kim")).ExitCode);
        Assert.Equal(1, (await RunAsync("group", "add-member", "ops", "ghost")).ExitCode);

        var badUrl = await RunAsync("app", "create", "--name", "Grafana", "--url", "grafana.local");
        Assert.Equal(1, badUrl.ExitCode);
        Assert.Contains("not a web address", badUrl.Stderr);
        var badRedirect = await RunAsync("app", "create", "--name", "Wiki", "--url", "https://wiki.example.org", "--redirect-uri", "http://wiki.example.org/cb");
        Assert.Equal(1, badRedirect.ExitCode);
        Assert.Contains("cannot be a redirect URI", badRedirect.Stderr);
        var created = await RunAsync("app", "create", "--name", "Grafana", "--url", "https://grafana.example.org", "--group", "ops",
            "--redirect-uri", "https://grafana.example.org/login/generic_oauth", "--confidential");
        Assert.Equal(0, created.ExitCode);
        Assert.Matches(@"Client ID: [a-z0-9]{20}\s+Client secret: [A-Za-z0-9_-]{43}", created.Stdout);
        Assert.Matches(@"^Client secret: [A-Za-z0-9_-]{43}\s*$", (await RunAsync("app", "secret", "Grafana")).Stdout);
        Assert.Matches(@"^Bind DN: cn=[a-z0-9]{20},ou=apps,dc=example,dc=org\s+Password: [A-Za-z0-9_-]{43}\s*$", (await RunAsync("app", "ldap-password", "Grafana")).Stdout);
        Assert.Equal(1, (await RunAsync("app", "ldap-password", "No such app")).ExitCode);
        var signOn = await RunAsync("app", "sign-on", "Grafana", "--post-logout-redirect-uri", "https://grafana.example.org/login",
            "--backchannel-logout-uri", "https://grafana.example.org/logout/backchannel", "--signing-algorithm", "ES256");
        Assert.Equal(0, signOn.ExitCode);
        Assert.Contains("Redirect URI: https://grafana.example.org/login/generic_oauth", signOn.Stdout);
        Assert.Contains("Post-logout redirect URI: https://grafana.example.org/login", signOn.Stdout);
        Assert.Contains("Signing algorithm: ES256", signOn.Stdout);
        var badAlgorithm = await RunAsync("app", "sign-on", "Grafana", "--signing-algorithm", "HS256");
        Assert.Equal((1, 1), (badAlgorithm.ExitCode, badAlgorithm.Stderr.Trim().Split('\n').Length));
        Assert.Contains("Signing algorithm: ES256", (await RunAsync("app", "sign-on", "Grafana")).Stdout);
        var inUse = await RunAsync("group", "delete", "ops");
        Assert.Equal(1, inUse.ExitCode);
        Assert.Contains("decides who may use Grafana", inUse.Stderr);

        var groups = JsonDocument.Parse((await RunAsync("group", "list", "--json")).Stdout).RootElement;
        Assert.Equal(1, groups.EnumerateArray().Single(g => g.GetProperty("name").GetString() == "ops").GetProperty("members").GetInt32());
        Assert.Equal(0, (await RunAsync("app", "delete", "Grafana")).ExitCode);
        Assert.Equal(0, (await RunAsync("group", "delete", "ops")).ExitCode);
        Assert.Equal("[]", (await RunAsync("app", "list", "--json")).Stdout.Trim());
    }
}
