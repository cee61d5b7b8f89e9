using System.Diagnostics;

namespace Roster.Bench;

/// <summary>One case's timed windows: successes per second, latency, CPU shares and the failures seen (warm-up included).</summary>
public sealed record LoadResult(string Case, int Completed, double PerSecond, double P50Ms, double P95Ms, CpuUse Cpu, int Failures, string? FirstFailure)
{
    /// <summary>The ceiling measured between this case's windows, when one was.</summary>
    public CeilingRate? Raw { get; init; }
}

/// <summary>
/// A closed loop: each worker sends its next request as soon as the last one is answered. After the
/// warm-up come the timed windows, each bounded by two CPU snapshots; requests answered inside a window
/// count. Between windows (and before the first and after the last) the load can pause: no request is
/// under way while the pause runs, which is when a ceiling is measured on the server's idle CPU. A worker
/// stops at its first failure (for a refresh chain, anything after it would be noise), and the failures
/// are reported with the case.
/// </summary>
public static class ClosedLoop
{
    public static async Task<LoadResult> RunAsync(
        string name,
        int workers,
        Func<int, CancellationToken, Task<TokenAnswer>> send,
        TimeSpan warmup,
        TimeSpan window,
        int serverProcessId,
        CancellationToken cancellationToken,
        int windows = 1,
        Func<CancellationToken, Task>? pause = null)
    {
        var stop = false;
        var failures = 0;
        string? firstFailure = null;
        var samples = new List<(long Done, double Ms)>[workers];
        // Open while it is a completed task; a pause swaps in one that completes when the pause ends.
        var gate = Task.CompletedTask;
        var underWay = 0;

        // Waits for the gate, then counts the request as under way, unless a pause closed the gate meanwhile.
        async Task<bool> EnterAsync()
        {
            while (true)
            {
                var open = Volatile.Read(ref gate);
                await open;
                if (Volatile.Read(ref stop))
                    return false;
                Interlocked.Increment(ref underWay);
                if (ReferenceEquals(Volatile.Read(ref gate), open))
                    return true;
                Interlocked.Decrement(ref underWay);
            }
        }

        async Task WorkAsync(int worker)
        {
            // Off the caller's context at once, so workers start together.
            await Task.Yield();
            var own = samples[worker] = new List<(long, double)>(16_384);
            while (await EnterAsync())
            {
                var started = Stopwatch.GetTimestamp();
                TokenAnswer answer;
                try
                {
                    answer = await send(worker, cancellationToken);
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
                    if (Interlocked.Increment(ref failures) == 1)
                        firstFailure = $"{answer.Status}: {answer.Failure}";
                    return;
                }
                own.Add((done, Stopwatch.GetElapsedTime(started, done).TotalMilliseconds));
            }
        }

        async Task PauseAsync(Func<CancellationToken, Task> during)
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = Interlocked.Exchange(ref gate, closed.Task);
            try
            {
                while (Volatile.Read(ref underWay) > 0)
                    await Task.Delay(1, cancellationToken);
                await during(cancellationToken);
            }
            finally
            {
                _ = Interlocked.Exchange(ref gate, Task.CompletedTask);
                closed.SetResult();
            }
        }

        var running = Enumerable.Range(0, workers).Select(WorkAsync).ToArray();
        var spans = new List<(CpuSnapshot Before, CpuSnapshot After)>();
        try
        {
            await Task.Delay(warmup, cancellationToken);
            for (var i = 0; i < windows; i++)
            {
                if (pause is not null)
                    await PauseAsync(pause);
                var before = CpuSnapshot.Take(serverProcessId);
                await Task.Delay(window / windows, cancellationToken);
                spans.Add((before, CpuSnapshot.Take(serverProcessId)));
            }
            if (pause is not null)
                await PauseAsync(pause);
        }
        finally
        {
            // Requests under way finish (a refresh chain must learn its new token); none starts after this.
            Volatile.Write(ref stop, true);
            await Task.WhenAll(running);
        }

        var timed = samples.Where(s => s is not null).SelectMany(s => s)
            .Where(s => spans.Any(span => s.Done >= span.Before.Timestamp && s.Done <= span.After.Timestamp))
            .Select(s => s.Ms).ToList();
        var cpu = CpuUse.Over([.. spans.Select(span => span.After.Since(span.Before))]);
        return new LoadResult(name, timed.Count, timed.Count / cpu.WallSeconds,
            Common.Percentile(timed, 0.50), Common.Percentile(timed, 0.95), cpu, failures, firstFailure);
    }
}
