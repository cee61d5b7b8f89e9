using System.Runtime.InteropServices;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The users-list benchmark: seeds a directory, signs in to the dashboard and times /users for search,
/// sort and deep pages on each provider. Progress goes to stderr, the markdown report to stdout.
/// </summary>
public static class UsersListBench
{
    public const string Mode = "users-list";

    public static Task<int> RunAsync(string[] args) =>
        // A case over the target or not measurable misses.
        BenchMode.RunAsync(args, BenchOptions.Parse, MeasureAsync, Render, result => result.Rows.All(r => r.Ok));

    /// <summary>Every case on every provider; and the SQLite server's resident memory with all those people, after the cases.</summary>
    internal sealed record Result(List<ResultRow> Rows, List<string> Legends, List<string> Versions, long? SqliteResidentBytes);

    internal static async Task<Result> MeasureAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        Log($"Generating {options.Users:N0} users…");
        var users = Dataset.Generate(options.Users, DateTime.UtcNow);
        var rows = new List<ResultRow>();
        var legends = new List<string>();
        var versions = new List<string> { RuntimeInformation.FrameworkDescription };
        long? resident = null;
        foreach (var provider in options.Providers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await RunProviderAsync(provider, options, users, cancellationToken);
            rows.AddRange(result.Rows);
            legends.AddRange(result.Legend);
            versions.Add(result.Version);
            if (provider == "Sqlite")
                resident = result.ResidentBytes;
        }
        return new Result(rows, legends, versions, resident);
    }

    private static async Task<(List<ResultRow> Rows, List<string> Legend, string Version, long ResidentBytes)> RunProviderAsync(
        string provider, BenchOptions options, List<SeedUser> users, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(options.WorkDirectory, provider.ToLowerInvariant() + "-data");
        Directory.CreateDirectory(dataDirectory);
        var sqliteConnection = $"Data Source={Path.Combine(dataDirectory, "roster.db")}";
        var environment = ServerProcess.Environment(dataDirectory, provider);
        if (provider == "Postgres")
            environment["Roster__Database__ConnectionString"] = options.PostgresConnection;
        var logPath = Path.Combine(options.WorkDirectory, $"server-{provider.ToLowerInvariant()}.log");
        var pidFile = Path.Combine(options.WorkDirectory, "server.pid");

        string version;
        try
        {
            if (provider == "Postgres")
            {
                Log($"[{provider}] Creating an empty database…");
                await Seeder.RecreatePostgresDatabaseAsync(options.PostgresConnection);
            }

            // The first start migrates the schema and creates the owner (only done while Users is empty).
            Log($"[{provider}] First start: schema and owner…");
            await (await ServerProcess.StartAsync(options.ServerDll, environment, logPath, options.ServerCpus, pidFile)).DisposeAsync();

            Log($"[{provider}] Seeding {users.Count:N0} users…");
            var seeding = System.Diagnostics.Stopwatch.StartNew();
            if (provider == "Postgres")
            {
                await Seeder.SeedPostgresAsync(options.PostgresConnection, users);
                version = "PostgreSQL " + await ScalarAsync(options.PostgresConnection, "SHOW server_version");
            }
            else
            {
                await Seeder.SeedSqliteAsync(sqliteConnection, users);
                if (options.SqliteAnalyze)
                    await Seeder.AnalyzeSqliteAsync(sqliteConnection);
                version = "SQLite " + await SqliteScalarAsync(sqliteConnection, "SELECT sqlite_version()") +
                    (options.SqliteAnalyze ? " (after ANALYZE)" : " (no ANALYZE, as Roster runs it)");
            }
            Log($"[{provider}] Seeded in {seeding.Elapsed.TotalSeconds:0.0} s.");

            await using var server = await ServerProcess.StartAsync(options.ServerDll, environment, logPath, options.ServerCpus, pidFile);
            Log($"[{provider}] Started {server}.");
            using var client = new DashboardClient(server.BaseAddress);
            await client.SignInAsync(BenchOptions.OwnerEmail, BenchOptions.OwnerPassword);
            var first = await client.GetAsync("/users");
            if (first.Total != users.Count + 1)
                throw new InvalidOperationException($"The dashboard counts {first.Total} users, expected {users.Count + 1}.");

            // Let tiered JIT settle before anything is timed: every request once, then the cheap pages a few hundred times.
            var cases = Cases(users);
            foreach (var path in cases.SelectMany(c => c.Paths))
                await client.GetAsync(path, cancellationToken);
            string[] cheap = ["/users", "/users?sort=Name", "/users?sort=Role"];
            for (var i = 0; i < 300; i++)
                await client.GetAsync(cheap[i % cheap.Length], cancellationToken);

            var results = new List<ResultRow>();
            var legend = new List<string>();
            foreach (var benchCase in cases)
            {
                var serverTimes = new List<double>(options.Requests);
                var clientTimes = new List<double>(options.Requests);
                var totals = new Dictionary<string, int>(StringComparer.Ordinal);
                string? invalid = null;
                for (var i = 0; i < options.Warmup + options.Requests && invalid is null; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var path = benchCase.Paths[i % benchCase.Paths.Length];
                    var sample = await client.GetAsync(path, cancellationToken);
                    totals[path] = sample.Total;
                    var requested = RequestedPage(path);
                    if (sample.Page != requested)
                        invalid = $"asked for page {requested}, got page {sample.Page}";
                    if (i < options.Warmup)
                        continue;
                    serverTimes.Add(sample.ServerMs);
                    clientTimes.Add(sample.ClientMs);
                }
                var row = invalid is not null
                    ? new ResultRow(provider, benchCase.Name, double.NaN, double.NaN, double.NaN, double.NaN, invalid)
                    : new ResultRow(provider, benchCase.Name,
                        Percentile(serverTimes, 0.50), Percentile(serverTimes, 0.95), Percentile(clientTimes, 0.50), Percentile(clientTimes, 0.95));
                results.Add(row);
                Log(invalid is not null
                    ? $"[{provider}] {benchCase.Name}: NOT MEASURED, {invalid}"
                    : $"[{provider}] {benchCase.Name}: server p50 {row.ServerP50:0.0} ms, p95 {row.ServerP95:0.0} ms");
                if (provider == options.Providers[0])
                    legend.Add($"- **{benchCase.Name}**: " + string.Join(", ", benchCase.Paths.Select(p => totals.TryGetValue(p, out var total) ? $"`{p}` ({(total < 0 ? $"more than {-total:N0}" : $"{total:N0}")} matching)" : $"`{p}`")));
            }
            return (results, legend, version, server.ResidentBytes);
        }
        finally
        {
            if (provider == "Postgres" && !options.KeepDatabase)
            {
                try
                {
                    await Seeder.DropPostgresDatabaseAsync(options.PostgresConnection);
                }
                catch (NpgsqlException e)
                {
                    Log($"[{provider}] Could not drop the benchmark database: {e.Message}");
                }
            }
        }
    }

    // Terms cycle within a case, so consecutive requests do not repeat one query.
    private static List<BenchCase> Cases(List<SeedUser> users)
    {
        var pages = (users.Count + 1 + 24) / 25;
        var deep = Math.Max(1, (int)(pages * 0.975));
        string[] DeepPages(string sort) => [.. Enumerable.Range(deep, 5).Where(p => p <= pages).Select(p => $"/users?sort={sort}&page={p}")];
        SeedUser Pick(int index) => users[index % users.Count];
        string[] rare =
        [
            Pick(4_242).Email, Pick(31_337).UserName, Pick(50_000).Email, Pick(77_777).UserName, Pick(99_999).Email,
        ];
        string[] common = ["mar", "son", "ann", "lee", "chris"];
        return
        [
            new("list, last update, page 1", ["/users"]),
            new("search common substring", [.. common.Select(t => $"/users?q={Uri.EscapeDataString(t)}")]),
            new("search exact email/username", [.. rare.Select(t => $"/users?q={Uri.EscapeDataString(t)}")]),
            new("sort by name, page 1", ["/users?sort=Name"]),
            new("sort by role, page 1", ["/users?sort=Role"]),
            new($"deep page {deep}, last update", DeepPages("Updated")),
            new($"deep page {deep}, name", DeepPages("Name")),
        ];
    }

    private static int RequestedPage(string path)
    {
        var query = path.Contains('?') ? path[(path.IndexOf('?') + 1)..] : "";
        var page = query.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "page");
        return page is { Length: 2 } && int.TryParse(page[1], CultureInfo.InvariantCulture, out var n) ? n : 1;
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "?";
    }

    private static async Task<string> SqliteScalarAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "?";
    }

    private static string Render(BenchOptions options, Result result, DateTime now, string load)
    {
        var (rows, legends, versions) = (result.Rows, result.Legends, result.Versions);
        var cpu = CpuModel();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"### /users with {options.Users:N0} seeded users (+1 owner), {options.Requests} requests per case after {options.Warmup} warm-up");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- run: {now:yyyy-MM-dd HH:mm} UTC; nproc: {options.Nproc ?? "?"}; CPU: {cpu ?? "?"}; load average (1 min): {load}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- server pinned to CPU {options.ServerCpus ?? "(not pinned)"}, load generator to CPU {options.ClientCpus ?? "(not pinned)"}; one request at a time, signed in as the owner");
        report.AppendLine(CultureInfo.InvariantCulture, $"- {string.Join("; ", versions)}");
        report.AppendLine();
        report.AppendLine("| provider | case | p50 server ms | p95 server ms | p50 client ms | p95 client ms | ok (p95 < 50) |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var row in rows)
            report.AppendLine(row.Invalid is not null
                ? $"| {row.Provider} | {row.Case} | – | – | – | – | **not measured**: {row.Invalid} |"
                : string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Provider} | {row.Case} | {row.ServerP50:0.0} | {row.ServerP95:0.0} | {row.ClientP50:0.0} | {row.ClientP95:0.0} | {(row.Ok ? "yes" : "**NO**")} |"));
        report.AppendLine();
        if (rows.Any(r => r.Invalid is not null))
        {
            report.AppendLine("A case is not measured when the server did not serve the page asked for: its timings would be of another query.");
            report.AppendLine();
        }
        report.AppendLine("Server ms is the `Server-Timing: app;dur=` header; client ms is request to last byte, measured by the load generator. Requests per case:");
        report.AppendLine();
        foreach (var legend in legends)
            report.AppendLine(legend);
        return report.ToString();
    }
}

internal sealed record BenchCase(string Name, string[] Paths);

internal sealed record ResultRow(string Provider, string Case, double ServerP50, double ServerP95, double ClientP50, double ClientP95, string? Invalid = null)
{
    public const double TargetMs = 50;
    public bool Ok => Invalid is null && ServerP95 < TargetMs;
}

internal sealed class BenchOptions
{
    public const string OwnerEmail = "bench-owner@example.org";
    public const string OwnerUsername = "benchowner";
    public const string OwnerPassword = "quiet-lantern-river-3141";

    public string ServerDll { get; private set; } = "";
    public string WorkDirectory { get; private set; } = "";
    public List<string> Providers { get; private set; } = ["Sqlite", "Postgres"];
    public string PostgresConnection { get; private set; } = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=roster_bench";
    public int Users { get; private set; } = 100_000;
    public int Requests { get; private set; } = 200;
    public int Warmup { get; private set; } = 20;
    public string? ServerCpus { get; private set; }
    public string? ClientCpus { get; private set; }
    public string? Nproc { get; private set; }
    public bool SqliteAnalyze { get; private set; }
    public bool KeepDatabase { get; private set; }

    private const string Usage =
        "usage: roster-bench --server-dll PATH --work DIR [--providers Sqlite,Postgres] [--postgres CONNECTION]\n" +
        "                    [--users N] [--requests N] [--warmup N] [--server-cpus LIST] [--client-cpus LIST]\n" +
        "                    [--nproc N] [--sqlite-analyze] [--keep-database]";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw Fail($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server-dll": options.ServerDll = Path.GetFullPath(Next()); break;
                case "--work": options.WorkDirectory = Path.GetFullPath(Next()); break;
                case "--providers":
                    options.Providers = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Provider)];
                    break;
                case "--postgres": options.PostgresConnection = Next(); break;
                case "--users": options.Users = Positive(Next()); break;
                case "--requests": options.Requests = Positive(Next()); break;
                case "--warmup": options.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--server-cpus": options.ServerCpus = Next(); break;
                case "--client-cpus": options.ClientCpus = Next(); break;
                case "--nproc": options.Nproc = Next(); break;
                case "--sqlite-analyze": options.SqliteAnalyze = true; break;
                case "--keep-database": options.KeepDatabase = true; break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default: throw Fail($"unknown option {args[i]}");
            }
        }
        if (options.ServerDll == "" || !File.Exists(options.ServerDll))
            throw Fail("--server-dll must name the built roster.dll");
        if (options.WorkDirectory == "")
            throw Fail("--work is required");
        if (options.Providers.Count == 0)
            throw Fail("--providers names none");
        Directory.CreateDirectory(options.WorkDirectory);
        return options;
    }

    private static string Provider(string name) =>
        name.ToLowerInvariant() switch
        {
            "sqlite" => "Sqlite",
            "postgres" or "postgresql" => "Postgres",
            _ => throw Fail($"unknown provider {name}"),
        };

    private static int Positive(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw Fail($"{value} is not a positive number");

    private static ArgumentException Fail(string message) => new($"{message}\n{Usage}");
}
