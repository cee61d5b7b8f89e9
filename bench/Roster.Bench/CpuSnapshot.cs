using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Roster.Bench;

/// <summary>
/// CPU time at one instant, from /proc: a process's user + system time, and how busy each CPU has been
/// since boot. Two snapshots give the share of a core each used over the interval between them.
/// </summary>
public sealed record CpuSnapshot(long Timestamp, double GeneratorSeconds, double ServerSeconds, IReadOnlyDictionary<int, (double Busy, double Total, double Stolen)> Cpus)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK in glibc's unistd.h

    private static readonly double TicksPerSecond = ReadTicksPerSecond();

    public static CpuSnapshot Take(int serverProcessId)
    {
        var timestamp = Stopwatch.GetTimestamp();
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(timestamp, self.TotalProcessorTime.TotalSeconds, ProcessSeconds(serverProcessId), CpuSeconds());
    }

    /// <summary>What happened between <paramref name="before"/> and this snapshot, as shares of one core.</summary>
    public CpuUse Since(CpuSnapshot before)
    {
        var wall = Stopwatch.GetElapsedTime(before.Timestamp, Timestamp).TotalSeconds;
        double? Busy(int cpu) =>
            Cpus.TryGetValue(cpu, out var after) && before.Cpus.TryGetValue(cpu, out var start) && after.Total > start.Total
                ? (after.Busy - start.Busy) / (after.Total - start.Total)
                : null;
        double? Stolen(int cpu) =>
            Cpus.TryGetValue(cpu, out var after) && before.Cpus.TryGetValue(cpu, out var start) && after.Total > start.Total
                ? (after.Stolen - start.Stolen) / (after.Total - start.Total)
                : null;
        return new CpuUse(wall, (GeneratorSeconds - before.GeneratorSeconds) / wall, (ServerSeconds - before.ServerSeconds) / wall, Busy(0), Busy(1), Stolen(0));
    }

    /// <summary>
    /// CPU seconds of each of a process's threads whose name starts with <paramref name="name"/> (Linux
    /// keeps 15 characters of it), by thread id. Threads that end between two calls take their time along.
    /// </summary>
    public static Dictionary<int, double> ThreadSeconds(int processId, string name)
    {
        var threads = new Dictionary<int, double>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(name, StringComparison.Ordinal))
                    threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = StatSeconds(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                // The thread ended while it was being read.
            }
        }
        return threads;
    }

    private static double ProcessSeconds(int processId) => StatSeconds($"/proc/{processId}/stat");

    /// <summary>Fields 14 and 15 of a /proc/…/stat (utime, stime), counted after the ')' that ends the command name.</summary>
    private static double StatSeconds(string path)
    {
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>
    /// The "cpuN user nice system idle iowait irq softirq steal" lines of /proc/stat; idle and iowait are not busy,
    /// and neither is nice: niced work is what runs when nothing else wants the CPU (<see cref="AwakeCores"/>).
    /// Steal is time the virtual CPU wanted to run and the host ran something else: busy, but not anything here.
    /// </summary>
    private static Dictionary<int, (double Busy, double Total, double Stolen)> CpuSeconds()
    {
        var cpus = new Dictionary<int, (double, double, double)>();
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
                continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = parts.Skip(1).Take(8).Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            var total = ticks.Sum();
            var idle = ticks[1] + ticks[3] + ticks[4];
            cpus[int.Parse(parts[0][3..], CultureInfo.InvariantCulture)] = ((total - idle) / TicksPerSecond, total / TicksPerSecond, ticks[7] / TicksPerSecond);
        }
        return cpus;
    }

    private static double ReadTicksPerSecond()
    {
        var ticks = sysconf(ClockTicksName);
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc")]
    private static extern long sysconf(int name);
}

/// <summary>
/// Shares of one core over an interval: the load generator, the server, how busy CPUs 0 and 1 were
/// with everything on them (null when the machine has no such CPU), and how much of CPU 0 the host took (steal).
/// </summary>
public sealed record CpuUse(double WallSeconds, double Generator, double Server, double? Cpu0Busy, double? Cpu1Busy, double? Cpu0Stolen = null)
{
    /// <summary>Several intervals as one: their wall time added up, each share weighted by its interval's length.</summary>
    public static CpuUse Over(IReadOnlyList<CpuUse> parts)
    {
        var wall = parts.Sum(p => p.WallSeconds);
        double Weighted(Func<CpuUse, double> share) => parts.Sum(p => share(p) * p.WallSeconds) / wall;
        double? WeightedOrNull(Func<CpuUse, double?> share) =>
            parts.All(p => share(p) is not null) ? Weighted(p => share(p)!.Value) : null;
        return new CpuUse(wall, Weighted(p => p.Generator), Weighted(p => p.Server),
            WeightedOrNull(p => p.Cpu0Busy), WeightedOrNull(p => p.Cpu1Busy), WeightedOrNull(p => p.Cpu0Stolen));
    }
}
