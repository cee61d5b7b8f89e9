using System.Diagnostics;

namespace Roster.Bench;

/// <summary>One case's timed window: successes per second, latency, CPU shares and the failures seen (warm-up included).</summary>
public sealed record LoadResult(string Case, int Completed, double PerSecond, double P50Ms, double P95Ms, CpuUse Cpu, int Failures, string? FirstFailure);

/// <summary>
/// A closed loop: each worker sends its next request as soon as the last one is answered. After the
/// warm-up, two CPU snapshots bound the timed window; requests answered between them count. A worker
/// stops at its first failure (for a refresh chain, anything after it would be noise), and the
/// failures are reported with the case.
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
        CancellationToken cancellationToken)
    {
        var stop = false;
        var failures = 0;
        string? firstFailure = null;
        var samples = new List<(long Done, double Ms)>[workers];

        async Task WorkAsync(int worker)
        {
            // Off the caller's context at once, so workers start together.
            await Task.Yield();
            var own = samples[worker] = new List<(long, double)>(16_384);
            while (!Volatile.Read(ref stop))
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

        var running = Enumerable.Range(0, workers).Select(WorkAsync).ToArray();
        CpuSnapshot before, after;
        try
        {
            await Task.Delay(warmup, cancellationToken);
            before = CpuSnapshot.Take(serverProcessId);
            await Task.Delay(window, cancellationToken);
            after = CpuSnapshot.Take(serverProcessId);
        }
        finally
        {
            // Requests under way finish (a refresh chain must learn its new token); none starts after this.
            Volatile.Write(ref stop, true);
            await Task.WhenAll(running);
        }

        var timed = samples.Where(s => s is not null).SelectMany(s => s)
            .Where(s => s.Done >= before.Timestamp && s.Done <= after.Timestamp)
            .Select(s => s.Ms).ToList();
        var cpu = after.Since(before);
        return new LoadResult(name, timed.Count, timed.Count / cpu.WallSeconds,
            Common.Percentile(timed, 0.50), Common.Percentile(timed, 0.95), cpu, failures, firstFailure);
    }
}
