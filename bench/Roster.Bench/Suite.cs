using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>One line of the suite's table: what Roster did, what it is compared with, and the target.</summary>
internal sealed record Figure(
    string Area,
    string Measurement,
    double Value,
    string Unit,
    string? Beside = null,
    double? BesideValue = null,
    string? Target = null,
    bool? Met = null,
    string? Note = null)
{
    /// <summary>Roster's value as a share of the one beside it.</summary>
    public double? Ratio => BesideValue is { } beside && beside > 0 ? Value / beside : null;
}

/// <summary>
/// `bench/run` with no benchmark named: every measurement in one run, with shorter windows than the single
/// benchmarks use, printed as one markdown table and then the raw JSON. Each part is its own benchmark
/// (footprint, oidc-grants, ldap-search, users-list), run here with the same servers, peers and pinning.
/// </summary>
public static class Suite
{
    public const string Mode = "all";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task<int> RunAsync(string[] args) =>
        BenchMode.RunAsync(args, Parse, MeasureAsync, Render, result => result.Figures.All(f => f.Met != false));

    /// <summary>Every part's raw measurements, and the figures the table shows.</summary>
    internal sealed record Result(
        List<Figure> Figures,
        FootprintBench.Result Footprint,
        Measurements Grants,
        List<LdapBench.Result> Ldap,
        UsersListBench.Result UsersList,
        string Nproc);

    private static async Task<Result> MeasureAsync(Dictionary<string, string> options, CancellationToken cancellationToken)
    {
        string[] PartArgs(params string[] more) =>
        [
            "--server-dll", options["--server-dll"], "--work", options["--work"], "--nproc", options.GetValueOrDefault("--nproc", "?"),
            .. options.TryGetValue("--server-cpus", out var cpus) ? new[] { "--server-cpus", cpus } : [],
            .. options.TryGetValue("--client-cpus", out var clientCpus) ? new[] { "--client-cpus", clientCpus } : [],
            .. more,
        ];
        Log("== footprint: start-up, memory, sign-ins ==");
        var footprint = await FootprintBench.MeasureAsync(FootprintBench.Parse(PartArgs()), cancellationToken);
        Log("== oidc-grants: Roster, the bare ASP.NET Core endpoint and oidc-provider ==");
        var grants = await GrantsBench.MeasureAsync(GrantsOptions.Parse(PartArgs("--oidc-provider", options["--oidc-provider"], "--seconds", "10", "--warmup", "2")), cancellationToken);
        Log("== ldap-search: Roster and slapd ==");
        var ldap = await LdapBench.MeasureAsync(LdapBench.Parse(PartArgs("--seconds", "10", "--warmup", "12")), cancellationToken);
        Log("== users-list: /users at 100,000 people on SQLite and PostgreSQL ==");
        var users = await UsersListBench.MeasureAsync(BenchOptions.Parse(PartArgs("--postgres", options["--postgres"], "--requests", "100", "--warmup", "10")), cancellationToken);

        List<Figure> figures =
        [
            .. FootprintFigures(footprint, grants.Peer, users.SqliteResidentBytes),
            .. GrantFigures(grants),
            .. LdapFigures(ldap),
            .. UsersListFigures(users),
        ];
        return new Result(figures, footprint, grants, ldap, users, options.GetValueOrDefault("--nproc", "?"));
    }

    private static IEnumerable<Figure> FootprintFigures(FootprintBench.Result footprint, PeerResult? peer, long? withManyUsers)
    {
        const string area = "footprint";
        yield return new(area, $"start-up to the first 200 from /healthz (median of {footprint.Restarts.Count})", footprint.MedianRestart.TotalSeconds, "s",
            Target: "< 1.5 s", Met: footprint.MedianRestart.TotalSeconds < 1.5,
            Note: string.Create(CultureInfo.InvariantCulture, $"the host took {footprint.RestartsStolen ?? 0:P0} of CPU 0 meanwhile, which derived {footprint.SpeedAtRestarts.PerSecond:0.0} raw PBKDF2 keys/s just before"));
        yield return new(area, "first start on an empty data directory (schema, first owner, signing keys)", footprint.FirstStart.TotalSeconds, "s");
        yield return new(area, "resident memory, idle after start", footprint.IdleBytes / 1048576.0, "MB",
            peer is null ? null : "oidc-provider idle", peer?.IdleBytes / 1048576.0, peer is null ? null : "below oidc-provider", peer is null ? null : footprint.IdleBytes < peer.IdleBytes);
        yield return new(area, "resident memory after 1,000 sign-ins", footprint.AfterSignInsBytes / 1048576.0, "MB");
        if (withManyUsers is { } bytes)
            yield return new(area, "resident memory with 100,000 users (SQLite, after the /users cases)", bytes / 1048576.0, "MB");
        var ratio = footprint.SignIns.PerSecond / footprint.Pbkdf2.PerSecond;
        yield return new("sign-in", "password sign-ins per second (login form, fresh browser each)", footprint.SignIns.PerSecond, "/s",
            "raw PBKDF2-SHA512 100,000 iterations, same core", footprint.Pbkdf2.PerSecond, "≥ 90 % of raw", ratio >= 0.9);
    }

    private static IEnumerable<Figure> GrantFigures(Measurements grants)
    {
        const string area = "OIDC";
        var bare = grants.Bare;
        foreach (var grant in grants.Grants)
        {
            var signatures = GrantsReport.Signatures(grant);
            var bound = GrantsReport.GeneratorBound(grant) ? "generator-bound: the load generator used its whole core, so this may be its rate, not Roster's"
                : string.Create(CultureInfo.InvariantCulture, $"Roster got {grant.Cpu.Server:P0} of CPU 0, the host took {grant.Cpu.Cpu0Stolen ?? 0:P0}; per CPU-second Roster used: {GrantsReport.PercentOfRawPerCpuSecond(grant):0} % of raw")
                  + (!GrantsReport.HasTarget(grant) ? "" : string.Create(CultureInfo.InvariantCulture, $"; {GrantsReport.PercentOfBare(grant, bare):0} % of the bare endpoint's share"));
            var name = grant.Case == GrantsBench.AuthorizationCode
                ? "authorization code flows per second (authorize in a session → code → tokens; 2 signatures)"
                : grant.Case == GrantsBench.DeviceCodePoll
                ? "device-code polls per second (pending: one read, one update, no signature)"
                : $"{grant.Case} grants per second";
            yield return new(area, name, grant.PerSecond, "/s",
                signatures == 1 ? "raw RS256 signatures, same core, between its windows" : "raw RS256 signatures ÷ 2, same core, between its windows", grant.Raw!.PerSecond / signatures,
                GrantsReport.HasTarget(grant) ? "≥ 70 % of raw" : null,
                GrantsReport.HasTarget(grant) ? GrantsReport.Ok(grant) : null, bound);
            if (grants.Peer?.Grants.FirstOrDefault(p => p.Case == grant.Case) is { } peer)
                yield return new(area, $"{grant.Case} grants per second, beside npm's oidc-provider", grant.PerSecond, "/s",
                    "oidc-provider, same core", peer.PerSecond,
                    grant.Case == GrantsBench.ClientCredentials ? "ahead of oidc-provider" : null,
                    grant.Case == GrantsBench.ClientCredentials ? grant.PerSecond > peer.PerSecond : null,
                    GrantsReport.GeneratorBound(peer) ? "oidc-provider's row is generator-bound" : null);
        }
        yield return new(area, "bare ASP.NET Core token endpoint per second (Kestrel reads the form, signs one RS256 JWS, answers JSON; no client check, no database)", bare.PerSecond, "/s",
            "raw RS256 signatures, same core, between its windows", bare.Raw!.PerSecond);
    }

    private static IEnumerable<Figure> LdapFigures(List<LdapBench.Result> ldap)
    {
        var roster = ldap[0];
        var slapd = ldap[1];
        yield return new("LDAP", "equality searches by uid per second (10,000 people, bound connections)", roster.PerSecond, "/s",
            "OpenLDAP slapd, same entries, same core", slapd.PerSecond, "at least slapd", roster.PerSecond >= slapd.PerSecond,
            LdapBench.GeneratorBound(roster) || LdapBench.GeneratorBound(slapd) ? "generator-bound: a rate may be the load generator's" : null);
        yield return new("LDAP", "simple binds as people per second (PBKDF2-SHA512, 100,000 iterations on both)", roster.BindsPerSecond, "/s",
            "OpenLDAP slapd with pw-pbkdf2, same hashes' cost, same core", slapd.BindsPerSecond);
    }

    private static IEnumerable<Figure> UsersListFigures(UsersListBench.Result users) =>
        users.Rows.Select(row => new Figure("/users", $"{row.Provider}, 100,000 users: {row.Case} (p95; p50 {row.ServerP50:0.0} ms)", row.ServerP95, "ms",
            Target: $"p95 < {ResultRow.TargetMs:0} ms", Met: row.Ok, Note: row.Invalid));

    /// <summary>The table, then the same figures and every raw measurement as JSON.</summary>
    private static string Render(Dictionary<string, string> options, Result result, DateTime started, string load)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        string?[] versions = [result.Footprint.Runtime, result.Grants.Peer?.Version, .. result.Ldap.Select(l => l.Version), .. result.UsersList.Versions.Skip(1)];
        Line($"### Roster, measured: `bench/run`, {started:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        Line($"- machine: nproc {result.Nproc}; CPU: {CpuModel()}; load average (1 min): {load}");
        Line($"- each server (Roster published in Release with ReadyToRun; each peer) pinned to CPU 0, the load generator to CPU 1 (kept awake while grants are timed: bench/README.md); {string.Join("; ", versions.Where(v => v is not null))}");
        text.AppendLine();
        text.AppendLine("| area | measurement | Roster | beside | Roster ÷ beside | target | met |");
        text.AppendLine("|---|---|---:|---|---:|---|---|");
        foreach (var f in result.Figures)
        {
            var beside = f.Beside is null ? "–" : $"{Format(f.BesideValue!.Value, f.Unit)} ({f.Beside})";
            var ratio = f.Ratio is { } r ? string.Create(CultureInfo.InvariantCulture, $"{100 * r:0} %") : "–";
            var met = f.Met switch { true => "yes", false => "**NO**", null => "–" };
            var note = f.Note is null ? "" : $" ({f.Note})";
            text.AppendLine($"| {f.Area} | {f.Measurement}{note} | {Format(f.Value, f.Unit)} | {beside} | {ratio} | {f.Target ?? "–"} | {met} |");
        }
        text.AppendLine();
        text.AppendLine("```json");
        text.AppendLine(JsonSerializer.Serialize(new
        {
            run = new { started, nproc = result.Nproc, cpu = CpuModel(), load, runtime = RuntimeInformation.FrameworkDescription },
            figures = result.Figures.Select(f => new { f.Area, f.Measurement, f.Value, f.Unit, f.Beside, f.BesideValue, f.Ratio, f.Target, f.Met, f.Note }),
            raw = new { footprint = result.Footprint, grants = result.Grants, ldap = result.Ldap, usersList = result.UsersList },
        }, Json));
        text.AppendLine("```");
        return text.ToString();
    }

    private static string Format(double value, string unit) => unit switch
    {
        "/s" => string.Create(CultureInfo.InvariantCulture, $"{value:#,0.#}/s"),
        "s" => string.Create(CultureInfo.InvariantCulture, $"{value:0.00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:#,0.0} {unit}"),
    };

    private static Dictionary<string, string> Parse(string[] args)
    {
        string[] known = ["--server-dll", "--work", "--server-cpus", "--client-cpus", "--nproc", "--postgres", "--oidc-provider"];
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i]) || i + 1 >= args.Length)
                throw new ArgumentException($"usage: roster-bench all {string.Join(' ', known.Select(k => k + " …"))} (unknown or incomplete: {args[i]}); bench/run passes them all");
            options[args[i]] = args[++i];
        }
        foreach (var required in new[] { "--server-dll", "--work", "--postgres", "--oidc-provider" })
            if (!options.ContainsKey(required))
                throw new ArgumentException($"roster-bench all needs {required}; bench/run passes it");
        return options;
    }
}
