using System.Runtime.InteropServices;
using System.Globalization;

namespace Roster.Bench;

/// <summary>What every benchmark mode shares: progress lines, percentiles and what the machine was doing.</summary>
internal static class Common
{
    /// <summary>Progress goes to stderr, so stdout is only the report.</summary>
    public static void Log(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The 1-minute load average; the bench itself adds about 1 or 2.</summary>
    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out var load)
            ? load
            : double.NaN;

    /// <summary>A process's resident set (VmRSS in /proc/PID/status), in bytes: what `ps` and `top` call RSS.</summary>
    public static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return 1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB");

    public static string? CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
}

/// <summary>
/// What every benchmark mode does around its measurement: its options (exit 2 when they are wrong), Ctrl+C
/// (130), a failure (1, with the exception), then the report on stdout and 0 when every target was met, 3 when not.
/// </summary>
internal static class BenchMode
{
    public static async Task<int> RunAsync<TOptions, TResult>(
        string[] args,
        Func<string[], TOptions> parse,
        Func<TOptions, CancellationToken, Task<TResult>> measure,
        Func<TOptions, TResult, DateTime, string, string> render,
        Func<TResult, bool> targetsMet)
    {
        TOptions options;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        using var interruption = new Interruption();
        using var load = new LoadSampler();
        var started = DateTime.UtcNow;
        TResult result;
        try
        {
            result = await measure(options, interruption.Token);
        }
        catch (Exception) when (interruption.Requested)
        {
            Common.Log("Interrupted.");
            return 130;
        }
        catch (Exception e)
        {
            Common.Log($"Failed: {e}");
            return 1;
        }
        Console.Out.Write(render(options, result, started, load.Describe()));
        return targetsMet(result) ? 0 : 3;
    }
}

/// <summary>Ctrl+C or SIGTERM (the scripts forward both as SIGTERM) cancel <see cref="Token"/>: the bench stops measuring and cleans up.</summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration onInterrupt;
    private readonly PosixSignalRegistration onTerminate;

    public Interruption()
    {
        onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
    }

    public CancellationToken Token => cancel.Token;

    public bool Requested => cancel.IsCancellationRequested;

    private void Interrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        cancel.Cancel();
    }

    public void Dispose()
    {
        onInterrupt.Dispose();
        onTerminate.Dispose();
        cancel.Dispose();
    }
}

/// <summary>The machine's load average at the start and its highest every 5 s through the run: on 2 cores anything else running shows in the timings.</summary>
internal sealed class LoadSampler : IDisposable
{
    private readonly Timer timer;
    private double max;

    public LoadSampler()
    {
        Before = max = Common.LoadAverage();
        timer = new Timer(_ => Sample(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    public double Before { get; }

    public string Describe()
    {
        Sample();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Before:0.00} at start, {max:0.00} at most during the run");
    }

    private void Sample()
    {
        var load = Common.LoadAverage();
        if (load > max)
            max = load;
    }

    public void Dispose() => timer.Dispose();
}
