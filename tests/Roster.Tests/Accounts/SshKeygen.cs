using System.Collections.Concurrent;
using System.Diagnostics;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>Real keys from OpenSSH's ssh-keygen (Debian's openssh-client), and what it says of them.</summary>
public static class SshKeygen
{
    private static readonly ConcurrentDictionary<string, (string PublicLine, string PrivateText)> Made = new();

    /// <summary>A new key pair, e.g. ("ed25519", null) or ("rsa", 3072); the .pub line (comment <paramref name="comment"/>) and the private key file's text.</summary>
    public static async Task<(string PublicLine, string PrivateText)> NewAsync(string type, int? bits = null, string comment = "test@host")
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "key");
        string[] size = bits is { } b ? ["-b", b.ToString()] : [];
        var made = await RunAsync(["-q", "-t", type, .. size, "-N", "", "-C", comment, "-f", file]);
        Assert.True(made.ExitCode == 0, $"ssh-keygen -t {type} failed: {made.Output}");
        return ((await File.ReadAllTextAsync(file + ".pub")).Trim(), await File.ReadAllTextAsync(file));
    }

    /// <summary>One key per kind for the whole run: generating RSA keys is slow.</summary>
    public static async Task<string> SharedAsync(string type, int? bits = null)
    {
        var name = $"{type}-{bits}";
        if (Made.TryGetValue(name, out var made))
            return made.PublicLine;
        return Made.GetOrAdd(name, await NewAsync(type, bits)).PublicLine;
    }

    /// <summary>What <c>ssh-keygen -l</c> prints for a public key line: "256 SHA256:… comment (ED25519)".</summary>
    public static async Task<string> FingerprintLineAsync(string publicLine)
    {
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "key.pub");
        await File.WriteAllTextAsync(file, publicLine + "\n");
        var listed = await RunAsync(["-l", "-f", file]);
        Assert.True(listed.ExitCode == 0, $"ssh-keygen -l failed: {listed.Output}");
        return listed.Output.Trim();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("ssh-keygen", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ssh-keygen did not start: install openssh-client (.ci/run does).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
