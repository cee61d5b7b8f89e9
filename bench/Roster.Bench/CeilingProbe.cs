using System.Diagnostics;

namespace Roster.Bench;

/// <summary>
/// A ceiling measurement kept running and warm in a child process (`roster-bench MODE --serve`) pinned to the
/// server's CPU, so it can be measured for a moment between a load's windows, again and again, at the cost of
/// the measurement alone: the ceiling and the load then see the same machine, however its speed drifts.
/// </summary>
public sealed class CeilingProbe : IAsyncDisposable
{
    private readonly Process process;
    private readonly string mode;

    private CeilingProbe(Process process, string mode)
    {
        this.process = process;
        this.mode = mode;
    }

    public static async Task<CeilingProbe> StartAsync(string mode, string? cpus, CancellationToken cancellationToken, string[]? arguments = null)
    {
        var start = Ceiling.ChildStart(mode, cpus, ["--serve", .. arguments ?? []]);
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
        await process.StandardInput.WriteLineAsync(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory(), cancellationToken);
        await process.StandardInput.FlushAsync(cancellationToken);
        return Ceiling.Parse(await ReadLineAsync(cancellationToken));
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        await process.StandardOutput.ReadLineAsync(cancellationToken)
        ?? throw new InvalidOperationException($"The {mode} measurement ended: {await process.StandardError.ReadToEndAsync(cancellationToken)}");

    public async ValueTask DisposeAsync()
    {
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
