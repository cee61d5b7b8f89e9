using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>`roster app …` through the real executable: the settings only the command line reaches on its own.</summary>
public sealed class AppCommandTests : IAsyncLifetime
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
    public async Task ApiScopesAreSetOnCreateAndSignOnAndMalformedOnesFailWithOneLineAndChangeNothing()
    {
        var refusedCreate = await RunAsync("app", "create", "--name", "Reports", "--url", "https://reports.example.org", "--api-scopes", "reports:read reports:read");
        Assert.Equal((1, 1), (refusedCreate.ExitCode, refusedCreate.Stderr.Trim().Split('\n').Length));
        Assert.Contains("listed more than once", refusedCreate.Stderr);
        Assert.Equal("[]", (await RunAsync("app", "list", "--json")).Stdout.Trim());

        Assert.Equal(0, (await RunAsync("app", "create", "--name", "Reports", "--url", "https://reports.example.org",
            "--confidential", "--api-scopes", "reports:read reports:write")).ExitCode);
        Assert.Contains("API scopes: reports:read reports:write", (await RunAsync("app", "sign-on", "Reports")).Stdout);

        var malformed = await RunAsync("app", "sign-on", "Reports", "--api-scopes", "reports:read say\"hi\"");
        Assert.Equal((1, 1), (malformed.ExitCode, malformed.Stderr.Trim().Split('\n').Length));
        Assert.Contains("cannot be an API scope", malformed.Stderr);
        Assert.Contains("API scopes: reports:read reports:write", (await RunAsync("app", "sign-on", "Reports")).Stdout);

        var narrowed = await RunAsync("app", "sign-on", "Reports", "--api-scopes", "reports:read");
        Assert.Matches(@"(?m)^API scopes: reports:read\r?$", narrowed.Stdout);
        Assert.Contains("API scopes: none", (await RunAsync("app", "sign-on", "Reports", "--api-scopes", "")).Stdout);
    }

    [Fact]
    public async Task RequirePkceIsOnForANewAppAndTheSignOnCommandTurnsItOffAndOn()
    {
        Assert.Equal(0, (await RunAsync("app", "create", "--name", "Desktop", "--url", "https://desktop.example.org", "--redirect-uri", "http://127.0.0.1/cb",
            "--redirect-uri", "com.example.desktop:/cb")).ExitCode);
        Assert.Contains("Require PKCE: yes", (await RunAsync("app", "sign-on", "Desktop")).Stdout);

        var off = await RunAsync("app", "sign-on", "Desktop", "--require-pkce", "false");
        Assert.Contains("Require PKCE: no", off.Stdout);
        Assert.Contains("Redirect URI: com.example.desktop:/cb", off.Stdout);
        Assert.Contains("Require PKCE: no", (await RunAsync("app", "sign-on", "Desktop")).Stdout);
        Assert.Contains("Require PKCE: yes", (await RunAsync("app", "sign-on", "Desktop", "--require-pkce", "true")).Stdout);
        var dangerous = await RunAsync("app", "sign-on", "Desktop", "--redirect-uri", "javascript:alert(1)");
        Assert.Equal((1, 1), (dangerous.ExitCode, dangerous.Stderr.Trim().Split('\n').Length));
    }
}
