using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Roster.Bench;

/// <summary>
/// A ceiling measurement kept running and warm in a child process (`roster-bench MODE`) pinned to the
/// server's CPU, so it can be measured for a moment between a load's windows, again and again, at the cost of
/// the measurement alone: the ceiling and the load then see the same machine, however its speed drifts.
/// </summary>
public sealed class CeilingProbe : IAsyncDisposable
{
    private readonly Process process;
    private readonly string mode;
    private int disposed;

    private CeilingProbe(Process process, string mode)
    {
        this.process = process;
        this.mode = mode;
    }

    public int ProcessId => process.Id;

    public static async Task<CeilingProbe> StartAsync(string mode, string? cpus, CancellationToken cancellationToken, string[]? arguments = null)
    {
        var start = ChildStart(mode, cpus, arguments ?? []);
        start.RedirectStandardInput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {mode} measurement.");
        var probe = new CeilingProbe(process, mode);
        var first = await probe.ReadLineAsync(cancellationToken);
        if (first != Ceiling.Ready)
        {
            await probe.DisposeAsync();
            throw new InvalidOperationException($"The {mode} measurement started with \"{first}\" instead of \"{Ceiling.Ready}\".");
        }
        return probe;
    }

    /// <summary>The ceiling over the next <paramref name="seconds"/>.</summary>
    public async Task<CeilingRate> MeasureAsync(double seconds, CancellationToken cancellationToken)
    {
        await process.StandardInput.WriteLineAsync(seconds.ToString(CultureInfo.InvariantCulture).AsMemory(), cancellationToken);
        await process.StandardInput.FlushAsync(cancellationToken);
        return Parse(await ReadLineAsync(cancellationToken));
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        await process.StandardOutput.ReadLineAsync(cancellationToken)
        ?? throw new InvalidOperationException($"The {mode} measurement ended: {await process.StandardError.ReadToEndAsync(cancellationToken)}");

    /// <summary>`roster-bench MODE ARGUMENTS` as a child process, through taskset when <paramref name="cpus"/> is given.</summary>
    private static ProcessStartInfo ChildStart(string mode, string? cpus, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var host = Environment.ProcessPath ?? "dotnet";
        var command = new List<string>();
        if (cpus is not null)
            command.AddRange(["taskset", "-c", cpus]);
        command.Add(host);
        // Started as `dotnet roster-bench.dll` the host needs the assembly; started through the apphost it does not.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            command.Add(Assembly.GetEntryAssembly()!.Location);
        command.Add(mode);
        command.AddRange(arguments);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>A measurement line, `operations=… seconds=… cpu=…`.</summary>
    private static CeilingRate Parse(string line)
    {
        var fields = line.Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
        return new CeilingRate((long)fields["operations"], fields["seconds"], fields["cpu"]);
    }

    /// <summary>Closes the child's stdin, which ends it; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        try
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            process.Kill();
        }
        process.Dispose();
    }
}
