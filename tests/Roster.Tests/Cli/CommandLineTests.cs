using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>The CLI's contract with scripts: exit codes 0 / 1 (one line on stderr) / 2, and --help everywhere.</summary>
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string?> NoConfiguration = [];

    [Theory]
    [InlineData("--help")]
    [InlineData("admin-credentials", "--help")]
    [InlineData("migrate", "--help")]
    [InlineData("mail", "list", "--help")]
    public async Task HelpIsAvailableEverywhere(params string[] args)
    {
        using var folder = new TempDirectory();
        var (exitCode, stdout, _) = await RosterProcess.RunAsync(folder.Path, NoConfiguration, args);

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", stdout);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")), "help must not touch the data folder");
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("admin-credentials", "--no-such-option")]
    [InlineData("migrate", "extra")]
    public async Task UsageMistakesExitWithTwo(params string[] args)
    {
        using var folder = new TempDirectory();
        var (exitCode, _, stderr) = await RosterProcess.RunAsync(folder.Path, NoConfiguration, args);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("roster: ", stderr);
    }

    [Fact]
    public async Task MigrateCreatesTheSchemaAndThenSaysItIsUpToDate()
    {
        using var folder = new TempDirectory();

        var first = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "migrate");
        var second = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "migrate");

        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"Applied \d+ migration\(s\)", first.Stdout);
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", "roster.db")));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("up to date", second.Stdout);
    }

    [Fact]
    public async Task AdminCredentialsWithoutADatabaseFailsWithOneLine()
    {
        using var folder = new TempDirectory();

        var (exitCode, stdout, stderr) = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "admin-credentials");

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("roster migrate", stderr);
    }

    [Fact]
    public async Task APostgresProviderWithoutAConnectionStringFailsWithOneLine()
    {
        using var folder = new TempDirectory();
        var environment = new Dictionary<string, string?> { ["Roster__Database__Provider"] = "Postgres" };

        var (exitCode, _, stderr) = await RosterProcess.RunAsync(folder.Path, environment, "migrate");

        Assert.Equal(1, exitCode);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("Roster__Database__ConnectionString", stderr);
    }

    [Fact]
    public async Task APortAlreadyInUseFailsWithOneLineThatSaysWhatToDo()
    {
        using var folder = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("address already in use", stderr);
        Assert.Contains("--urls", stderr);
    }
}
