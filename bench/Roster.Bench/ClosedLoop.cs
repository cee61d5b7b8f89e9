using System.Diagnostics;

namespace Roster.Bench;

/// <summary>
/// One kind of request a closed loop sends to the server process <see cref="ServerProcessId"/>, whose CPU its
/// windows are measured on: <see cref="Send"/> gets the worker's number.
/// </summary>
public sealed record LoadCase(string Name, int ServerProcessId, Func<int, CancellationToken, Task<TokenAnswer>> Send);

/// <summary>One timed window of a case: its rate, the CPU shares over it, and the ceiling measured just before and just after it.</summary>
public sealed record LoadWindow(double PerSecond, CpuUse Cpu, CeilingRate? Raw);

/// <summary>A case's timed windows together: successes per second, latency, CPU shares and the failures seen (warm-ups included).</summary>
public sealed record LoadResult(string Case, int Completed, double PerSecond, double P50Ms, double P95Ms, CpuUse Cpu, int Failures, string? FirstFailure, IReadOnlyList<LoadWindow> Windows)
{
    /// <summary>The ceiling measured before and after each of this case's windows, pooled; null when none was measured.</summary>
    public CeilingRate? Raw { get; init; }
}

/// <summary>
/// A closed loop: each worker sends its next request as soon as the last one is answered. The cases take
/// turns, one window each per round (A B C, A B C, …), so a drift in the machine's speed falls on every case
/// alike instead of on whichever ran last. Before each window the load stops (no request under way) and a
/// ceiling can be measured on the server's idle CPU; then the next case runs a short warm-up and its timed
/// window, bounded by two CPU snapshots, in which answered requests count. One more ceiling follows the
/// last window, so every window has one on each side. A worker stops at its first failure (for a refresh
/// chain, anything after it would be noise), and the failures are reported with the case.
/// </summary>
public static class ClosedLoop
{
    public static async Task<List<LoadResult>> RunAsync(
        IReadOnlyList<LoadCase> cases,
        int workers,
        TimeSpan warmup,
        TimeSpan window,
        int rounds,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<CeilingRate>>? ceiling = null)
    {
        var stop = false;
        var current = 0;
        var failures = new int[cases.Count];
        var firstFailures = new string?[cases.Count];
        var samples = new List<(int Case, long Done, double Ms)>[workers];
        // Closed while it is an incomplete task; opening completes it, closing swaps in a new one.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var underWay = 0;

        // Waits for the gate, then counts the request as under way, unless the gate closed meanwhile; the case is the one it opened for.
        async Task<int?> EnterAsync()
        {
            while (true)
            {
                var open = Volatile.Read(ref gate);
                await open.Task;
                if (Volatile.Read(ref stop))
                    return null;
                Interlocked.Increment(ref underWay);
                if (ReferenceEquals(Volatile.Read(ref gate), open))
                    return Volatile.Read(ref current);
                Interlocked.Decrement(ref underWay);
            }
        }

        async Task WorkAsync(int worker)
        {
            // Off the caller's context at once, so workers start together.
            await Task.Yield();
            var own = samples[worker] = new List<(int, long, double)>(16_384);
            while (await EnterAsync() is { } load)
            {
                var started = Stopwatch.GetTimestamp();
                TokenAnswer answer;
                try
                {
                    answer = await cases[load].Send(worker, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    answer = TokenAnswer.Failed(0, e.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref underWay);
                }
                var done = Stopwatch.GetTimestamp();
                if (!answer.Ok)
                {
                    if (Interlocked.Increment(ref failures[load]) == 1)
                        firstFailures[load] = $"{answer.Status}: {answer.Failure}";
                    return;
                }
                own.Add((load, done, Stopwatch.GetElapsedTime(started, done).TotalMilliseconds));
            }
        }

        async Task CloseGateAsync()
        {
            Volatile.Write(ref gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            while (Volatile.Read(ref underWay) > 0)
                await Task.Delay(1, cancellationToken);
        }

        var running = Enumerable.Range(0, workers).Select(WorkAsync).ToArray();
        var ceilings = new List<CeilingRate>();
        var timed = new List<(int Case, CpuSnapshot Before, CpuSnapshot After)>();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                for (var load = 0; load < cases.Count; load++)
                {
                    if (ceiling is not null)
                        ceilings.Add(await ceiling(cancellationToken));
                    Volatile.Write(ref current, load);
                    Volatile.Read(ref gate).SetResult();
                    await Task.Delay(warmup, cancellationToken);
                    var server = cases[load].ServerProcessId;
                    var before = CpuSnapshot.Take(server);
                    await Task.Delay(window, cancellationToken);
                    timed.Add((load, before, CpuSnapshot.Take(server)));
                    await CloseGateAsync();
                }
            }
            if (ceiling is not null)
                ceilings.Add(await ceiling(cancellationToken));
        }
        finally
        {
            // Requests under way finish (a refresh chain must learn its new token); none starts after this.
            Volatile.Write(ref stop, true);
            Volatile.Read(ref gate).TrySetResult();
            await Task.WhenAll(running);
        }

        var answered = samples.Where(s => s is not null).SelectMany(s => s).ToList();
        return [.. cases.Select((load, index) =>
        {
            var windows = timed.Select((span, position) => (span, position)).Where(w => w.span.Case == index).ToList();
            // Each window's answers, picked out once: its rate and the case's latencies both come from them.
            var inWindows = windows.Select(w => answered
                .Where(s => s.Case == index && s.Done >= w.span.Before.Timestamp && s.Done <= w.span.After.Timestamp)
                .Select(s => s.Ms).ToList()).ToList();
            var latencies = inWindows.SelectMany(ms => ms).ToList();
            var perWindow = windows.Select((w, i) =>
            {
                var cpu = w.span.After.Since(w.span.Before);
                var raw = ceilings.Count > 0 ? CeilingRate.Pooled([ceilings[w.position], ceilings[w.position + 1]]) : null;
                return new LoadWindow(inWindows[i].Count / cpu.WallSeconds, cpu, raw);
            }).ToList();
            var cpu = CpuUse.Over([.. perWindow.Select(w => w.Cpu)]);
            var around = windows.SelectMany(w => new[] { w.position, w.position + 1 }).Distinct().Where(i => i < ceilings.Count).Select(i => ceilings[i]).ToList();
            return new LoadResult(load.Name, latencies.Count, latencies.Count / cpu.WallSeconds,
                Common.Percentile(latencies, 0.50), Common.Percentile(latencies, 0.95), cpu, failures[index], firstFailures[index], perWindow)
            {
                Raw = around.Count > 0 ? CeilingRate.Pooled(around) : null,
            };
        })];
    }
}
