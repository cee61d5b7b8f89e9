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

    public static string? CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
}
