using System.Globalization;
using System.Text;

namespace Roster.Bench;

/// <summary>The oidc-grants report: one markdown table, the run's circumstances above it, how to read it below.</summary>
internal static class GrantsReport
{
    /// <summary>JWTs each case signs: a grant one access token; a code flow also an ID token.</summary>
    public static int Signatures(LoadResult grant) => grant.Case == GrantsBench.AuthorizationCode ? 2 : 1;

    /// <summary>The rate as a share of what the raw signing rate, measured around the case's windows, allows for that many signatures.</summary>
    public static double PercentOfRaw(LoadResult grant) => 100 * grant.PerSecond * Signatures(grant) / grant.Raw!.PerSecond;

    /// <summary>One window's rate as a share of the raw rate measured just before and just after it.</summary>
    public static double PercentOfRaw(LoadResult grant, LoadWindow window) => 100 * window.PerSecond * Signatures(grant) / window.Raw!.PerSecond;

    /// <summary>The same share per CPU-second each actually got: what holds even when the host takes some of the core.</summary>
    public static double PercentOfRawPerCpuSecond(LoadResult grant) => 100 * Signatures(grant) * grant.PerSecond / grant.Cpu.Server / grant.Raw!.PerCpuSecond;

    /// <summary>A grant's share of raw RS256 as a share of the bare endpoint's, so machine drift between their windows cancels.</summary>
    public static double PercentOfBare(LoadResult grant, LoadResult bare) => 100 * PercentOfRaw(grant) / PercentOfRaw(bare);

    /// <summary>The same, window by window: the grant's and the bare endpoint's windows of one round are seconds apart.</summary>
    public static IEnumerable<double> PercentOfBareByRound(LoadResult grant, LoadResult bare) =>
        grant.Windows.Zip(bare.Windows, (ours, its) => 100 * PercentOfRaw(grant, ours) / PercentOfRaw(bare, its));

    public static bool GeneratorBound(LoadResult grant) => grant.Cpu.Generator > GrantsOptions.GeneratorBound;

    /// <summary>
    /// The target is for the grants, the offline refresh and the device-code poll (issue 27 holds a poll to it, though it signs
    /// nothing; the code flow has none): at it, with a load generator that had room to spare.
    /// </summary>
    public static bool HasTarget(LoadResult grant) =>
        grant.Case is GrantsBench.ClientCredentials or GrantsBench.RefreshToken or GrantsBench.OfflineRefreshToken or GrantsBench.DeviceCodePoll;

    public static bool Ok(LoadResult grant) =>
        !HasTarget(grant) || PercentOfRaw(grant) >= GrantsOptions.TargetPercent && !GeneratorBound(grant);

    public static string Render(GrantsOptions options, Measurements measured, DateTime now, string load)
    {
        var signing = measured.Signing;
        var report = new StringBuilder();
        void Line(FormattableString text) => report.AppendLine(text.ToString(CultureInfo.InvariantCulture));

        Line($"### OIDC grants per second against the raw RS256 signing rate (target ≥ {GrantsOptions.TargetPercent:0} %)");
        report.AppendLine();
        Line($"- run: {now:yyyy-MM-dd HH:mm} UTC; nproc: {options.Nproc ?? "?"}; CPU: {Common.CpuModel() ?? "?"}; load average (1 min): {load}");
        Line($"- server (SQLite) pinned to CPU {options.ServerCpus ?? "(not pinned)"}, load generator to CPU {options.ClientCpus ?? "(not pinned)"}{GeneratorCoresText(options)}; {options.Workers} workers in a closed loop; refresh tokens rotate along {options.Chains} chains");
        Line($"- warm-up: {WarmupText(measured.Warmup)}; then {options.Windows} rounds in which each case in turn has {options.WarmupSeconds:0.#} s of warm-up and one timed window of {options.WindowSeconds:0.#} s, so a drift in the machine's speed falls on every case alike");
        Line($"- raw RS256: RSA-2048 PKCS#1 v1.5 SHA-256 over a ~370-byte JWS input, one thread, in a child process on the server's CPU while the server idles, {options.SigningSeconds:0.#} s at a time: once before the warm-up, then before every window and after the last; each case is compared with the raw rate measured on either side of its own windows (the slowest measurement of the run {signing.Spread:P0} below the fastest); {measured.Runtime}");
        report.AppendLine();
        Line($"| server | case | per second | raw RS256 meanwhile | % of raw RS256 | ok (≥ {GrantsOptions.TargetPercent:0} %) | server CPU | generator CPU | CPU 0 busy | p50 ms | p95 ms |");
        report.AppendLine("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        Line($"| – | raw RS256 sign (1 core), whole run | {signing.PerSecond:#,0} | – | 100 % | – | {Share(measured.ServerWhileSigning.Server)} | – | {Share(measured.ServerWhileSigning.Cpu0Busy)} | – | – |");
        foreach (var grant in measured.Grants)
            Row("Roster", grant);
        Row("bare ASP.NET Core", measured.Bare);
        foreach (var grant in measured.Peer?.Grants ?? [])
            Row("oidc-provider", grant);
        report.AppendLine();
        var bare = measured.Bare;
        var ofBare = measured.Grants.Where(HasTarget).Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Case} {PercentOfBare(g, bare):0} % (round by round {string.Join(", ", PercentOfBareByRound(g, bare).Select(p => p.ToString("0", CultureInfo.InvariantCulture)))} %)"));
        Line($"The bare ASP.NET Core endpoint (roster-bench bare-token: Kestrel reads the form, signs the raw ceiling's JWS input, answers JSON; no client check, no claims, no database), on the same CPU and taking its turn in every round with Roster's cases, got {PercentOfRaw(bare):0} % of raw RS256: that is what HTTP over loopback, the socket thread's wake-ups and the thread pool leave a token server on this machine. Roster's grants against its rate, each against the raw rate around its own windows: {string.Join("; ", ofBare)}.");
        report.AppendLine();
        if (measured.Peer is { } peer)
        {
            Line($"oidc-provider: {peer.Version}, the same CPU, a confidential client with client_secret_basic, RS256 JWT access tokens, refresh tokens rotated on every use; idle resident memory {Common.Megabytes(peer.IdleBytes)}.");
            foreach (var grant in peer.Grants)
            {
                var ours = measured.Grants.FirstOrDefault(g => g.Case == grant.Case);
                if (ours is not null)
                    Line($"{grant.Case}: Roster {ours.PerSecond / grant.PerSecond:0.00}× oidc-provider's rate.");
            }
            report.AppendLine();
        }

        void Row(string server, LoadResult grant)
        {
            var ok = !HasTarget(grant) ? "–" : PercentOfRaw(grant) >= GrantsOptions.TargetPercent ? "yes" : "**NO**";
            if (GeneratorBound(grant))
                ok += ", generator-bound";
            var name = Signatures(grant) == 2 ? grant.Case + " (2 signatures)" : grant.Case;
            Line($"| {server} | {name} | {grant.PerSecond:#,0} | {grant.Raw!.PerSecond:#,0} | {PercentOfRaw(grant):0} % | {ok} | {Share(grant.Cpu.Server)} | {Share(grant.Cpu.Generator)} | {Share(grant.Cpu.Cpu0Busy)} | {grant.P50Ms:0.0} | {grant.P95Ms:0.0} |");
        }

        // The same comparison per CPU-second actually used, which holds even when something else shares the cores.
        List<LoadResult> timed = [.. measured.Grants, measured.Bare];
        var perCpu = timed.Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Case} {g.PerSecond / g.Cpu.Server:#,0} against raw {g.Raw!.PerCpuSecond:#,0} ({PercentOfRawPerCpuSecond(g):0} %)"));
        Line($"Per CPU-second actually used (server for grants, signing process for raw): {string.Join("; ", perCpu)}.");
        var windows = timed.Select(g => $"{g.Case} {string.Join(", ", g.Windows.Select(w => PercentOfRaw(g, w).ToString("0", CultureInfo.InvariantCulture)))} %");
        Line($"Each window against the raw rate on either side of it, round by round: {string.Join("; ", windows)}.");
        Line($"The signing process got {signing.CpuShare:P0} of CPU 0 while it ran.");
        var others = timed.Select(g => string.Create(CultureInfo.InvariantCulture,
            $"{g.Case}: CPU 0 {Share(g.Cpu.Cpu0Busy - g.Cpu.Server)} (the host's steal {Share(g.Cpu.Cpu0Stolen)}), CPU 1 {Share(g.Cpu.Cpu1Busy - g.Cpu.Generator)}"));
        Line($"Other processes' use of the two cores during the timed windows, and how much of CPU 0 the virtual machine's host took: {string.Join("; ", others)}.");
        report.AppendLine();
        report.AppendLine(
            "grants/s counts 200 answers carrying tokens within the timed windows (any other answer fails the run). " +
            "Each grant signs one JWT, an access token, so 100 % would be Roster costing nothing beyond the signature; a code flow signs two (an ID token too), so its share is of half the raw rate. " +
            "server CPU and generator CPU are each process's CPU time over the windows, as a share of one core; " +
            "CPU 0 busy is everything that ran on CPU 0 (/proc/stat); on the raw RS256 row, server CPU is the idle server's own use while the signing ran. A generator above " +
            $"{GrantsOptions.GeneratorBound:P0} of its core may be what limited the rate (\"generator-bound\"); " +
            "a server well under 100 % with an idle CPU 0 was waiting, not computing. p50/p95 are per request, as the generator saw them.");
        return report.ToString();
    }

    private static string GeneratorCoresText(GrantsOptions options) =>
        options.ClientCpus is null ? ""
        : options.IdleGeneratorCores ? " (left to idle between requests: --idle-generator-cores)"
        : " (kept awake by a spin loop at idle priority, so the server's kernel need not wake a halted core for every answer)";

    private static string WarmupText(Warmup warmup) =>
        warmup.Rounds == 0
            ? "none (--jit-warmup 0): the JIT was still recompiling the hot paths while they were timed"
            : string.Create(CultureInfo.InvariantCulture,
                $"every case in turn, {warmup.Rounds} rounds of {GrantsBench.WarmupLoad.TotalSeconds:0} s + {GrantsBench.WarmupPause.TotalSeconds:0} s idle ({warmup.Elapsed.TotalSeconds:0} s), ") +
              (warmup.Settled
                  ? "until the JIT's background compiler went quiet"
                  : "**cut off by --jit-warmup while the JIT was still compiling**: the grants may be understated");

    private static string Share(double? share) =>
        share is { } value && !double.IsNaN(value) ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, 100 * value):0} %") : "–";
}
