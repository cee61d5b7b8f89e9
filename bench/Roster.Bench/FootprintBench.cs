using System.Diagnostics;
using System.Globalization;
using System.Text;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The footprint benchmark: how long Roster takes to start (to its first 200 from /healthz), how much memory
/// it holds idle and after 1,000 sign-ins, and password sign-ins per second beside the raw PBKDF2 rate of the
/// same iteration count on the same core, measured in the same run. The server runs on SQLite with the
/// first owner and 100 people who sign in; it is pinned to the server CPU, the sign-ins come from the other.
/// </summary>
public static class FootprintBench
{
    public const string Mode = "footprint";

    /// <summary>The iteration count Roster's hasher uses by default (Roster__Accounts__PasswordIterations).</summary>
    private const int Iterations = 100_000;
    private const string Password = "amber-harbour-violin-2718";

    internal sealed record Options(string ServerDll, string Work, string? ServerCpus, string Nproc, int Restarts, int SignIns, int WarmupSignIns, int Workers, double CeilingSeconds);

    internal sealed record Result(
        TimeSpan FirstStart,
        List<TimeSpan> Restarts,
        double? RestartsStolen,
        CeilingRate SpeedAtRestarts,
        long IdleBytes,
        CeilingRate Pbkdf2,
        SignInRate SignIns,
        long AfterSignInsBytes,
        string Runtime)
    {
        public TimeSpan MedianRestart => Restarts.Order().ElementAt(Restarts.Count / 2);
    }

    internal sealed record SignInRate(int Count, double PerSecond, double P50Ms, double P95Ms, CpuUse Cpu);

    public static Task<int> RunAsync(string[] args) =>
        BenchMode.RunAsync(args, Parse, MeasureAsync, Render, TargetsMet);

    /// <summary>Start-up under 1.5 s and sign-ins at 90 % of the raw PBKDF2 rate (issue 8).</summary>
    internal static bool TargetsMet(Result result) =>
        result.MedianRestart < TimeSpan.FromSeconds(1.5) && result.SignIns.PerSecond >= 0.9 * result.Pbkdf2.PerSecond;

    internal static async Task<Result> MeasureAsync(Options options, CancellationToken cancellationToken)
    {
        var data = Path.Combine(options.Work, "footprint-data");
        Directory.CreateDirectory(data);
        var environment = ServerProcess.Environment(data);
        environment["Roster__Accounts__PasswordIterations"] = Iterations.ToString(CultureInfo.InvariantCulture);
        var log = Path.Combine(options.Work, "server-footprint.log");
        var pidFile = Path.Combine(options.Work, "server.pid");

        Log("First start on an empty data directory (schema and first owner)…");
        TimeSpan firstStart;
        await using (var first = await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile))
            firstStart = first.TimeToHealthy;

        // People with a real password hash at the configured iteration count; one hash serves all (each has its own row).
        var hash = Ceiling.IdentityV3Hash(Password, Iterations);
        var people = Dataset.Generate(200, DateTime.UtcNow).Where(u => u.Enabled && !u.InvitationPending).Take(100)
            .Select(u => u with { PasswordHash = hash }).ToList();
        await Seeder.SeedSqliteAsync($"Data Source={Path.Combine(data, "roster.db")}", people);

        // The raw PBKDF2 rate of CPU 0, kept warm in a child process: measured here as the machine's speed
        // just before the restarts (start-up on one core is as slow as that core is), then around the sign-ins.
        await using var rawPbkdf2 = await CeilingProbe.StartAsync(Ceiling.Pbkdf2Mode, options.ServerCpus, cancellationToken, ["--iterations", Iterations.ToString(CultureInfo.InvariantCulture)]);
        var speedAtRestarts = await rawPbkdf2.MeasureAsync(options.CeilingSeconds, cancellationToken);
        Log(string.Create(CultureInfo.InvariantCulture, $"raw PBKDF2 before the restarts: {speedAtRestarts.PerSecond:0.0}/s"));

        var restarts = new List<TimeSpan>();
        // How much of CPU 0 the virtual machine's host took meanwhile: start-up on one core waits for all of it.
        var restartsStarted = CpuSnapshot.Take(Environment.ProcessId);
        for (var i = 1; i < options.Restarts; i++)
        {
            await using var restart = await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile);
            restarts.Add(restart.TimeToHealthy);
        }
        await using var server = await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile);
        restarts.Add(server.TimeToHealthy);
        var restartsStolen = CpuSnapshot.Take(Environment.ProcessId).Since(restartsStarted).Cpu0Stolen;
        Log($"Start-up to the first /healthz: {string.Join(", ", restarts.Select(r => $"{r.TotalSeconds:0.00} s"))}; the host took {restartsStolen ?? 0:P0} of CPU 0 meanwhile.");

        // Idle: whatever start-up left behind has settled.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var idle = server.ResidentBytes;
        Log($"Idle resident memory: {Megabytes(idle)}.");

        // The ceiling on the server's own core while the server idles: between batches of the timed sign-ins,
        // so both see the same machine however its speed drifts.
        Log($"Raw PBKDF2-HMAC-SHA512 ({Iterations:N0} iterations) on CPU {options.ServerCpus ?? "(not pinned)"}, {options.CeilingSeconds:0.#} s at a time…");
        var ceilings = new List<CeilingRate>();
        async Task MeasureCeilingAsync()
        {
            ceilings.Add(await rawPbkdf2.MeasureAsync(options.CeilingSeconds, cancellationToken));
            Log(string.Create(CultureInfo.InvariantCulture, $"raw PBKDF2: {ceilings[^1].PerSecond:0.0}/s"));
        }

        Log($"{options.WarmupSignIns} sign-ins to warm up, then {options.SignIns - options.WarmupSignIns} timed in {SignInBatches} batches, {options.Workers} at a time…");
        await SignInAsync(server, people, options.WarmupSignIns, options.Workers, batches: 1, between: null, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // lets the tiered JIT promote what the warm-up ran
        var signIns = await SignInAsync(server, people, options.SignIns - options.WarmupSignIns, options.Workers, SignInBatches, MeasureCeilingAsync, cancellationToken);
        Log(string.Create(CultureInfo.InvariantCulture, $"sign-ins: {signIns.PerSecond:0.0}/s, server {signIns.Cpu.Server:P0}"));
        var after = server.ResidentBytes;
        Log($"Resident memory after {options.SignIns:N0} sign-ins: {Megabytes(after)}.");
        var pbkdf2 = CeilingRate.Pooled(ceilings);
        Log(string.Create(CultureInfo.InvariantCulture, $"raw PBKDF2 around the batches: {pbkdf2.PerSecond:0.0}/s (the slowest {pbkdf2.Spread:P0} below the fastest)"));
        return new Result(firstStart, restarts, restartsStolen, speedAtRestarts, idle, pbkdf2, signIns, after, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The timed sign-ins come in this many batches, with the raw ceiling measured before, between and after them.</summary>
    private const int SignInBatches = 4;

    /// <summary>
    /// <paramref name="count"/> sign-ins through the form, as a browser does them (GET /login for the
    /// antiforgery token, POST the credentials, a fresh cookie jar and connection each), spread over the people,
    /// in <paramref name="batches"/> with <paramref name="between"/> run before, between and after them while none is under way.
    /// </summary>
    private static async Task<SignInRate> SignInAsync(
        ServerProcess server, List<SeedUser> people, int count, int workers, int batches, Func<Task>? between, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var spans = new List<CpuUse>();
        for (var batch = 0; batch < batches; batch++)
        {
            if (between is not null)
                await between();
            var next = -1;
            var size = count / batches + (batch < count % batches ? 1 : 0);
            var own = new List<double>[workers];
            var before = CpuSnapshot.Take(server.ProcessId);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
            {
                own[worker] = [];
                for (var i = Interlocked.Increment(ref next); i < size; i = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var sent = Stopwatch.GetTimestamp();
                    using var browser = new DashboardClient(server.BaseAddress);
                    await browser.SignInAsync(people[i % people.Count].UserName, Password);
                    own[worker].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }, cancellationToken)));
            spans.Add(CpuSnapshot.Take(server.ProcessId).Since(before));
            latencies.AddRange(own.SelectMany(l => l));
        }
        if (between is not null)
            await between();
        var cpu = CpuUse.Over(spans);
        return new SignInRate(count, count / cpu.WallSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.95), cpu);
    }

    private static string Render(Options options, Result result, DateTime started, string load)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"### Start-up, memory and password sign-ins");
        text.AppendLine();
        Line($"- run: {started:yyyy-MM-dd HH:mm} UTC; nproc: {options.Nproc}; CPU: {CpuModel()}; load average (1 min): {load}; {result.Runtime}");
        Line($"- server (SQLite, the first owner and 100 people) pinned to CPU {options.ServerCpus ?? "(not pinned)"}; sign-ins from the other CPU, {options.Workers} at a time, each GET /login then POST /login in a fresh cookie jar");
        text.AppendLine();
        text.AppendLine("| measurement | value |");
        text.AppendLine("|---|---:|");
        Line($"| first start, empty data directory, to the first 200 from /healthz | {result.FirstStart.TotalSeconds:0.00} s |");
        Line($"| start-up to the first 200 from /healthz (median of {result.Restarts.Count}; the host took {result.RestartsStolen ?? 0:P0} of CPU 0 meanwhile, which derived {result.SpeedAtRestarts.PerSecond:0.0} raw PBKDF2 keys/s just before) | {result.MedianRestart.TotalSeconds:0.00} s |");
        Line($"| resident memory, idle after start | {Megabytes(result.IdleBytes)} |");
        Line($"| resident memory after {options.SignIns:N0} sign-ins | {Megabytes(result.AfterSignInsBytes)} |");
        Line($"| raw PBKDF2-HMAC-SHA512, {Iterations:N0} iterations (1 core; {options.CeilingSeconds:0} s before, between and after the {SignInBatches} batches of timed sign-ins, the slowest {result.Pbkdf2.Spread:P0} below the fastest) | {result.Pbkdf2.PerSecond:0.0}/s |");
        Line($"| password sign-ins (timed: {result.SignIns.Count}) | {result.SignIns.PerSecond:0.0}/s = {result.SignIns.PerSecond / result.Pbkdf2.PerSecond:P0} of raw PBKDF2 (server CPU {result.SignIns.Cpu.Server:P0}; p50 {result.SignIns.P50Ms:0} ms, p95 {result.SignIns.P95Ms:0} ms) |");
        return text.ToString();
    }

    internal static Options Parse(string[] args)
    {
        string? dll = null, work = null, cpus = null, nproc = "?";
        int restarts = 5, signIns = 1000, warmup = 200, workers = 4;
        double ceilingSeconds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server-dll": dll = Path.GetFullPath(Next()); break;
                case "--work": work = Path.GetFullPath(Next()); break;
                case "--server-cpus": cpus = Next(); break;
                case "--client-cpus": Next(); break;
                case "--nproc": nproc = Next(); break;
                case "--restarts": restarts = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--sign-ins": signIns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup-sign-ins": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pbkdf2-seconds": ceilingSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --restarts N --sign-ins N --warmup-sign-ins N --workers N --pbkdf2-seconds S");
            }
        }
        if (restarts < 1 || warmup < 0 || signIns <= warmup || workers < 1)
            throw new ArgumentException("--restarts and --workers must be at least 1, and --sign-ins more than --warmup-sign-ins.");
        return new Options(dll ?? throw new ArgumentException("--server-dll must name the built roster.dll"), work ?? throw new ArgumentException("--work is required"),
            cpus, nproc, restarts, signIns, warmup, workers, ceilingSeconds);
    }
}
