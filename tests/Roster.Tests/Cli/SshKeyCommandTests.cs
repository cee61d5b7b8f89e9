using System.Diagnostics;
using System.Text.Json;
using Roster.Tests.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Cli;

/// <summary>`roster user ssh-key …` through the real executable: the operator lists, adds and removes keys under the same checks as the page.</summary>
public sealed class SshKeyCommandTests : IAsyncLifetime
{
    private readonly TempDirectory folder = new();
    private readonly Dictionary<string, string?> environment = new()
    {
        ["Roster__Owner__Password"] = "the operators secret",
        ["Roster__Accounts__PasswordIterations"] = "1000",
    };

    public async Task InitializeAsync()
    {
        Assert.Equal(0, (await RunAsync("migrate")).ExitCode);
        Assert.Equal(0, (await RunAsync("user", "create", "--email", "ada@example.org", "--username", "ada", "--name", "Ada", "--password", "a long test password")).ExitCode);
    }

    public Task DisposeAsync()
    {
        folder.Dispose();
        return Task.CompletedTask;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RosterProcess.RunAsync(folder.Path, environment, args);

    [Fact]
    public async Task AnOperatorAddsListsAndRemovesAKeyByIdOrFingerprint()
    {
        var first = (await SshKeygen.NewAsync("ed25519", comment: "ada@laptop")).PublicLine;
        var second = (await SshKeygen.NewAsync("ecdsa", 384, comment: "ada@desk")).PublicLine;
        var fingerprint = (await SshKeygen.FingerprintLineAsync(first)).Split(' ')[1];

        var added = await RunAsync("user", "ssh-key", "add", "ada", first);
        var fromStdin = await RunWithInputAsync(second + "\n", "user", "ssh-key", "add", "ada", "-");
        var listed = await RunAsync("user", "ssh-key", "list", "ada", "--json");

        Assert.Equal(0, added.ExitCode);
        Assert.Matches($@"^Id: [0-9a-f-]{{36}}\nFingerprint: {System.Text.RegularExpressions.Regex.Escape(fingerprint)}\s*$", added.Stdout);
        Assert.Equal(0, fromStdin.ExitCode);
        var keys = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal([first, second], keys.Select(k => k.GetProperty("publicKey").GetString()));

        Assert.Equal(0, (await RunAsync("user", "ssh-key", "remove", "ada", fingerprint)).ExitCode);
        Assert.Equal(0, (await RunAsync("user", "ssh-key", "remove", "ada", keys[1].GetProperty("id").GetString()!)).ExitCode);
        Assert.Equal("", (await RunAsync("user", "ssh-key", "list", "ada")).Stdout);
    }

    [Fact]
    public async Task ABadKeyOrAnUnknownOneIsRefusedWithOneLineAndExitOne()
    {
        var garbage = await RunAsync("user", "ssh-key", "add", "ada", "ssh-ed25519 AAAA-not-base64");
        var unknown = await RunAsync("user", "ssh-key", "remove", "ada", "SHA256:nothing");
        var nobody = await RunAsync("user", "ssh-key", "list", "nobody-here");

        foreach (var refused in new[] { garbage, unknown, nobody })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Single(refused.Stderr.TrimEnd().Split('\n'));
        }
        Assert.Contains("not valid base64", garbage.Stderr);
        Assert.Contains("SHA256:nothing", unknown.Stderr);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Repository.RosterDll, .. args])
        {
            WorkingDirectory = folder.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Roster__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
