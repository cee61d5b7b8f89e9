using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The enumeration benchmark: can an outsider tell from answer times whether a name has an account? It times
/// "forgot password" and a wrong-password sign-in for existing and unknown names, all four kinds shuffled
/// together so that drift in the machine's speed falls on all of them alike, and compares the medians with the
/// run's own noise: the difference between the two halves (alternate samples) of the same kind. Every name is
/// used once, so neither the per-recipient mail limit nor the lockouts change what is measured.
/// </summary>
public static partial class EnumerationBench
{
    public const string Mode = "enumeration";

    /// <summary>The iteration count Roster's hasher uses by default, so a sign-in costs what it costs in production.</summary>
    private const int Iterations = 100_000;
    private const string Password = "amber-harbour-violin-2718";
    private const int Warmup = 20;

    internal sealed record Options(string ServerDll, string Work, string? ServerCpus, int Requests);

    internal enum Kind { ForgotExisting, ForgotUnknown, SignInExisting, SignInUnknown }

    internal sealed record Result(Dictionary<Kind, List<double>> Milliseconds, int Seed);

    /// <summary>One endpoint's verdict: the medians' difference between existing and unknown names, against the run's noise.</summary>
    internal sealed record Verdict(string Endpoint, double Difference, double Noise)
    {
        public bool Indistinguishable => Math.Abs(Difference) < Noise;
    }

    public static Task<int> RunAsync(string[] args) =>
        // Only forgot-password is held to the target; sign-in is reported for whoever works on it.
        BenchMode.RunAsync(args, Parse, MeasureAsync, Render, result => Verdicts(result)[0].Indistinguishable);

    internal static async Task<Result> MeasureAsync(Options options, CancellationToken cancellationToken)
    {
        var data = Path.Combine(options.Work, "enumeration-data");
        Directory.CreateDirectory(data);
        var environment = ServerProcess.Environment(data);
        environment["Roster__Accounts__PasswordIterations"] = Iterations.ToString(CultureInfo.InvariantCulture);
        var log = Path.Combine(options.Work, "server-enumeration.log");
        var pidFile = Path.Combine(options.Work, "server.pid");

        Log("First start on an empty data directory (schema and first owner)…");
        await (await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile)).DisposeAsync();

        // One account per request of an existing kind (warm-up included), each with a real hash at the default cost.
        var needed = 2 * (options.Requests + Warmup);
        var hash = Ceiling.IdentityV3Hash(Password, Iterations);
        var people = Dataset.Generate(2 * needed, DateTime.UtcNow).Where(u => u.Enabled && !u.InvitationPending).Take(needed)
            .Select(u => u with { PasswordHash = hash }).ToList();
        if (people.Count < needed)
            throw new InvalidOperationException($"The dataset gave {people.Count} usable accounts, {needed} needed.");
        await Seeder.SeedSqliteAsync($"Data Source={Path.Combine(data, "roster.db")}", people);

        await using var server = await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile);
        Log($"Started {server}.");
        using var client = new FormPoster(server.BaseAddress);
        var forgotToken = await client.FormTokenAsync("/forgot-password");
        var signInToken = await client.FormTokenAsync("/login");

        const int seed = 20261122;
        var random = new Random(seed);
        var existing = new Queue<string>(people.Select(p => p.Email));
        var unknown = 0;
        string Unknown() => $"nobody{++unknown}.{random.Next(100_000, 999_999)}@example.org";

        Task<double> SendAsync(Kind kind) => kind switch
        {
            Kind.ForgotExisting => client.PostAsync("/forgot-password", forgotToken, new() { ["Identifier"] = existing.Dequeue() }, cancellationToken),
            Kind.ForgotUnknown => client.PostAsync("/forgot-password", forgotToken, new() { ["Identifier"] = Unknown() }, cancellationToken),
            Kind.SignInExisting => client.PostAsync("/login", signInToken, new() { ["Identifier"] = existing.Dequeue(), ["Password"] = "not-" + Password }, cancellationToken),
            _ => client.PostAsync("/login", signInToken, new() { ["Identifier"] = Unknown(), ["Password"] = "not-" + Password }, cancellationToken),
        };

        Log($"Warm-up: {Warmup} of each kind…");
        foreach (var kind in Shuffled(Warmup, random))
            await SendAsync(kind);

        Log($"Measuring {options.Requests} of each kind, shuffled together…");
        var samples = Enum.GetValues<Kind>().ToDictionary(k => k, _ => new List<double>(options.Requests));
        foreach (var kind in Shuffled(options.Requests, random))
        {
            cancellationToken.ThrowIfCancellationRequested();
            samples[kind].Add(await SendAsync(kind));
        }
        return new Result(samples, seed);
    }

    private static List<Kind> Shuffled(int each, Random random)
    {
        var order = Enum.GetValues<Kind>().SelectMany(k => Enumerable.Repeat(k, each)).ToArray();
        random.Shuffle(order);
        return [.. order];
    }

    /// <summary>
    /// What the run cannot resolve for one kind: the 95th percentile of the medians' difference between two random
    /// halves of its own samples, over 1,000 splits. One split is itself a single noisy draw; halves of n/2 are
    /// noisier than the two full samples compared, so the bar errs towards "indistinguishable" only by about √2.
    /// </summary>
    private static double HalvesNoise(List<double> samples)
    {
        var random = new Random(7);
        var shuffled = samples.ToArray();
        var differences = new List<double>(1000);
        for (var split = 0; split < 1000; split++)
        {
            random.Shuffle(shuffled);
            var half = shuffled.Length / 2;
            differences.Add(Math.Abs(Percentile(shuffled[..half], 0.5) - Percentile(shuffled[half..], 0.5)));
        }
        return Percentile(differences, 0.95);
    }

    internal static List<Verdict> Verdicts(Result result)
    {
        Verdict For(string endpoint, Kind existing, Kind unknown) => new(endpoint,
            Percentile(result.Milliseconds[existing], 0.5) - Percentile(result.Milliseconds[unknown], 0.5),
            Math.Max(HalvesNoise(result.Milliseconds[existing]), HalvesNoise(result.Milliseconds[unknown])));
        return [For("forgot-password", Kind.ForgotExisting, Kind.ForgotUnknown), For("sign-in (wrong password)", Kind.SignInExisting, Kind.SignInUnknown)];
    }

    internal static string Render(Options options, Result result, DateTime started, string load)
    {
        var text = new StringBuilder();
        string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"# Enumeration by timing ({options.Requests} of each kind, shuffled together, seed {result.Seed})");
        text.AppendLine();
        text.AppendLine("| kind | n | median ms | p25 ms | p75 ms | IQR ms | halves noise ms (p95) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (kind, samples) in result.Milliseconds)
        {
            double p25 = Percentile(samples, 0.25), p75 = Percentile(samples, 0.75);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Label(kind)} | {samples.Count} | {F(Percentile(samples, 0.5))} | {F(p25)} | {F(p75)} | {F(p75 - p25)} | {F(HalvesNoise(samples))} |");
        }
        text.AppendLine();
        foreach (var verdict in Verdicts(result))
        {
            var (relation, meaning) = verdict.Indistinguishable
                ? ("<", "indistinguishable in this run")
                : ("≥", "DISTINGUISHABLE: existing names answer " + (verdict.Difference > 0 ? "slower" : "faster"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- **{verdict.Endpoint}**: |median(existing) − median(unknown)| = {F(Math.Abs(verdict.Difference))} ms {relation} noise {F(verdict.Noise)} ms → {meaning}");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Client-side time of the POST to the last byte; server pinned to CPU {options.ServerCpus ?? "(not pinned)"}, {Iterations:N0} PBKDF2 iterations, SQLite. " +
            $"Started {started:u}; load {load}; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {CpuModel() ?? "unknown CPU"}.");
        return text.ToString();
    }

    private static string Label(Kind kind) => kind switch
    {
        Kind.ForgotExisting => "forgot-password, existing",
        Kind.ForgotUnknown => "forgot-password, unknown",
        Kind.SignInExisting => "sign-in, existing",
        _ => "sign-in, unknown",
    };

    private static Options Parse(string[] args)
    {
        string? serverDll = null, work = null, serverCpus = null;
        var requests = 200;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server-dll": serverDll = Next(); break;
                case "--work": work = Next(); break;
                case "--server-cpus": serverCpus = Next(); break;
                case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--client-cpus" or "--nproc": Next(); break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\nusage: roster-bench enumeration --server-dll PATH --work DIR [--server-cpus LIST] [--requests N (of each kind, default 200)]");
            }
        }
        if (serverDll is null || work is null)
            throw new ArgumentException("usage: roster-bench enumeration --server-dll PATH --work DIR [--server-cpus LIST] [--requests N]");
        return new Options(serverDll, work, serverCpus, requests);
    }

    /// <summary>Anonymous form posts with one antiforgery cookie; its form tokens can be posted again and again.</summary>
    private sealed partial class FormPoster(Uri baseAddress) : IDisposable
    {
        private readonly HttpClient http = new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };

        public async Task<string> FormTokenAsync(string path)
        {
            var match = TokenValue().Match(await http.GetStringAsync(path));
            return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"{path} has no antiforgery token.");
        }

        /// <summary>Milliseconds from sending the form to the answer's last byte; anything but the page again (200) is a failure.</summary>
        public async Task<double> PostAsync(string path, string token, Dictionary<string, string> fields, CancellationToken cancellationToken)
        {
            fields["__RequestVerificationToken"] = token;
            using var content = new FormUrlEncodedContent(fields);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(path, content, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}.");
            return elapsed;
        }

        public void Dispose() => http.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]*)\"")]
        private static partial Regex TokenValue();
    }
}
