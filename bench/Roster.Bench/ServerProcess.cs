using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Roster.Bench;

/// <summary>
/// One `dotnet roster.dll` process, optionally pinned with taskset. Its output goes to a log file; it
/// counts as started once it prints "Roster is running", and is stopped with SIGTERM (graceful shutdown).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly string logPath;
    private readonly string? pidFile;
    private int disposed;
    private readonly TaskCompletionSource running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseAddress { get; }

    /// <summary>The server's own process id (taskset execs dotnet), for reading its CPU time from /proc.</summary>
    public int ProcessId => process.Id;

    /// <summary>From starting the process to its first 200 from /healthz: how long a restart keeps people waiting.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    /// <summary>Resident memory (VmRSS) right now, in bytes.</summary>
    public long ResidentBytes => Common.ResidentBytes(process.Id);

    private ServerProcess(Process process, StreamWriter log, string logPath, string? pidFile, Uri baseAddress)
    {
        this.process = process;
        this.log = log;
        this.logPath = logPath;
        this.pidFile = pidFile;
        BaseAddress = baseAddress;
    }

    /// <summary>
    /// How every benchmark configures Roster: in production mode, on <paramref name="dataDirectory"/>, the bench
    /// owner created on the first start, LDAP on any free loopback port unless told, and the per-address
    /// credential limit out of the way, since all the load comes from one address.
    /// </summary>
    public static Dictionary<string, string> Environment(string dataDirectory, string provider = "Sqlite", string ldapListen = "127.0.0.1:0") => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Roster__DataDirectory"] = dataDirectory,
        ["Roster__Database__Provider"] = provider,
        ["Roster__Ldap__Listen"] = ldapListen,
        ["Roster__Owner__Email"] = BenchOptions.OwnerEmail,
        ["Roster__Owner__Username"] = BenchOptions.OwnerUsername,
        ["Roster__Owner__Password"] = BenchOptions.OwnerPassword,
        ["Roster__RateLimit__CredentialAttemptsPerMinute"] = "1000000",
    };

    public static async Task<ServerProcess> StartAsync(
        string serverDll, IReadOnlyDictionary<string, string> environment, string logPath, string? cpus, string? pidFile)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            // taskset execs dotnet, so the process id stays the server's.
            start.FileName = "taskset";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add("dotnet");
        }
        else
        {
            start.FileName = "dotnet";
        }
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process, log, logPath, pidFile, baseAddress);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server.running.TrySetException(
            new InvalidOperationException($"The server exited with code {SafeExitCode(process)} before it was running; see {logPath}."));
        var started = Stopwatch.GetTimestamp();
        if (!process.Start())
            throw new InvalidOperationException("Could not start the server process.");
        if (pidFile is not null)
            await File.WriteAllTextAsync(pidFile, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var healthy = WaitUntilHealthyAsync(baseAddress, server.running.Task, started);
        var timeout = Task.Delay(TimeSpan.FromMinutes(2));
        if (await Task.WhenAny(Task.WhenAll(server.running.Task, healthy), timeout) == timeout)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The server did not report running within 2 minutes; see {logPath}.");
        }
        await server.running.Task;
        server.TimeToHealthy = await healthy;
        return server;
    }

    /// <summary>Asks /healthz every 5 ms until it answers 200, and says when that was; gives up when the process fails to start.</summary>
    private static async Task<TimeSpan> WaitUntilHealthyAsync(Uri baseAddress, Task running, long started)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (!running.IsFaulted)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return Stopwatch.GetElapsedTime(started);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(5);
        }
        return TimeSpan.Zero;
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
        if (line.Contains("Roster is running.", StringComparison.Ordinal))
            running.TrySetResult();
    }

    /// <summary>Stops the server; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        if (!process.HasExited)
        {
            _ = kill(process.Id, 15); // SIGTERM: ASP.NET Core shuts down gracefully
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        else
        {
            await process.WaitForExitAsync();
        }
        process.Dispose();
        lock (log)
            log.Dispose();
        if (pidFile is not null)
            File.Delete(pidFile);
    }

    public override string ToString() => $"server at {BaseAddress} (log {logPath})";

    private static int SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
