using System.Collections.Concurrent;
using System.Diagnostics;

namespace Roster.Tests.Infrastructure;

/// <summary>The real roster executable in a process of its own, configured the way an operator would: environment variables only.</summary>
public sealed class RosterProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private RosterProcess(string workingDirectory, IDictionary<string, string?> environment, string[] args)
    {
        process = new Process { StartInfo = StartInfo(workingDirectory, environment, args) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join("\n", lines);

    /// <summary>Where a started server listens.</summary>
    public string Url { get; private init; } = "";

    /// <summary>host:port of the LDAP listener.</summary>
    public string LdapAddress { get; private init; } = "";

    /// <summary>Starts the server on a free port and waits until it says where it is running.</summary>
    public static async Task<RosterProcess> StartServerAsync(string workingDirectory, IDictionary<string, string?> environment)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        // The LDAP listener needs a free port too, given like --urls so the environment stays the test's own.
        var ldap = $"127.0.0.1:{FreePort.Next()}";
        var server = new RosterProcess(workingDirectory, environment, ["--urls", url, $"--Roster:Ldap:Listen={ldap}"]) { Url = url, LdapAddress = ldap };
        await Eventually.GetAsync(() =>
        {
            if (server.process.HasExited)
                throw new InvalidOperationException($"roster exited early:\n{server.Output}");
            return Task.FromResult(server.Output.Contains($"Open {url} ") ? url : null);
        }, "roster to say it is running", TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>Runs one CLI command to completion.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IDictionary<string, string?> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that never ends (a server that should have refused to start) must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"roster {string.Join(' ', args)} did not end within 60 s:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IDictionary<string, string?> environment, string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Repository.RosterDll, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Only what the test says: nothing inherited from the machine may configure the server under test.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Roster__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return info;
    }

    /// <summary>Ends the process the hard way (SIGKILL on Linux): no shutdown code runs.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!process.HasExited)
            Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
