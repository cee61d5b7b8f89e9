using System.Diagnostics;
using System.Globalization;

namespace Roster.Bench;

/// <summary>
/// Keeps the load generator's cores from going idle while grants are timed: one spin loop per core, at the
/// lowest priority Linux has (SCHED_IDLE, nice 19), so it runs only when nothing else wants the core and the
/// generator takes the core back the moment it wakes. On the virtual machines these benchmarks run on, an
/// idle core is halted, and the server's kernel had to wake it for every answer it sent over loopback
/// (an inter-processor interrupt, or a hypercall for a halted core waiting on a socket lock): 10.8 % of the
/// server's CPU in refresh windows, 2.6 % with the core kept awake (bench/README.md, "The load generator's
/// core is kept awake"). A client elsewhere on a network costs a server none of that. Niced time counts as
/// idle in <see cref="CpuSnapshot"/>, so the loops do not show as other processes' use. Each loop's pid is in
/// the work directory, so bench/run stops a loop the bench left behind when it was killed.
/// </summary>
internal sealed class AwakeCores : IAsyncDisposable
{
    private readonly List<(Process Loop, string PidFile)> loops;

    private AwakeCores(List<(Process, string)> loops) => this.loops = loops;

    /// <summary>One loop on each CPU of <paramref name="cpus"/> (taskset's list: "1", "1,3", "2-3").</summary>
    public static AwakeCores Start(string cpus, string workDirectory)
    {
        var loops = new List<(Process, string)>();
        foreach (var cpu in Cpus(cpus))
        {
            var core = cpu.ToString(CultureInfo.InvariantCulture);
            var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
            foreach (var arg in new[] { "-c", core, "nice", "-n", "19", "chrt", "--idle", "0", "sh", "-c", "while :; do :; done" })
                start.ArgumentList.Add(arg);
            var loop = Process.Start(start) ?? throw new InvalidOperationException("Could not start a spin loop with taskset, nice and chrt.");
            var pidFile = Path.Combine(workDirectory, $"awake-cpu{core}.pid");
            File.WriteAllText(pidFile, loop.Id.ToString(CultureInfo.InvariantCulture));
            loops.Add((loop, pidFile));
        }
        return new AwakeCores(loops);
    }

    private static IEnumerable<int> Cpus(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(part =>
        {
            var range = part.Split('-');
            var first = int.Parse(range[0], CultureInfo.InvariantCulture);
            var last = int.Parse(range[^1], CultureInfo.InvariantCulture);
            return Enumerable.Range(first, last - first + 1);
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var (loop, pidFile) in loops)
        {
            loop.Kill();
            await loop.WaitForExitAsync();
            loop.Dispose();
            File.Delete(pidFile);
        }
    }
}
