using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The SCIM benchmark: a full reconciliation of a directory of N people (default 10,000) against a local SCIM 2.0
/// provider (tests/interop/scim/server.js: scimmy and its express routers, in Node). It times the first one, which
/// creates everyone there, and a second one with everything already in step (list, compare, nothing to fix).
/// The app is open to everyone, connected through the command line as an operator would; Roster runs as published.
/// </summary>
public static class ScimBench
{
    public const string Mode = "scim";
    private const string Token = "bench-scim-token";

    internal sealed record Options(string ServerDll, string Work, string? ServerCpus, string? ClientCpus, string ProviderScript, int People);

    internal sealed record Result(int People, int AtProvider, TimeSpan FirstSync, TimeSpan InStepSync, long ServerResidentBytes);

    public static Task<int> RunAsync(string[] args) => BenchMode.RunAsync(args, Parse, MeasureAsync, Render, result => result.AtProvider == result.People + 1);

    internal static async Task<Result> MeasureAsync(Options options, CancellationToken cancellationToken)
    {
        var data = Path.Combine(options.Work, "scim-data");
        Directory.CreateDirectory(data);
        var environment = ServerProcess.Environment(data);
        var log = Path.Combine(options.Work, "server-scim.log");
        var pidFile = Path.Combine(options.Work, "server.pid");
        var database = $"Data Source={Path.Combine(data, "roster.db")}";

        Log("First start on an empty data directory (schema and first owner)…");
        await (await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile)).DisposeAsync();
        var people = Dataset.Generate(2 * options.People, DateTime.UtcNow).Where(u => u.Enabled && !u.InvitationPending).Take(options.People).ToList();
        Log($"Seeding {people.Count:N0} people…");
        await Seeder.SeedSqliteAsync(database, people);

        using var provider = StartProvider(options);
        var port = JsonDocument.Parse(await provider.StandardOutput.ReadLineAsync(cancellationToken) ?? "{}").RootElement.GetProperty("port").GetInt32();
        await File.WriteAllTextAsync(Path.Combine(options.Work, "scim-provider.pid"), provider.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        try
        {
            await using var server = await ServerProcess.StartAsync(options.ServerDll, environment, log, options.ServerCpus, pidFile);
            Log($"Started {server}; the provider listens on 127.0.0.1:{port}.");
            var tokenFile = Path.Combine(options.Work, "scim-token");
            await File.WriteAllTextAsync(tokenFile, Token, cancellationToken);
            await CliAsync(options, environment, cancellationToken, "app", "create", "--name", "Bench", "--url", "https://bench.example.org");

            Log("Connecting the app: the first full reconciliation starts…");
            var started = Stopwatch.GetTimestamp();
            await CliAsync(options, environment, cancellationToken, "app", "scim", "Bench", "--url", $"http://127.0.0.1:{port}/scim", "--token-file", tokenFile);
            var first = await WaitForSyncAsync(database, null, started, cancellationToken);
            var atProvider = await CountAtProviderAsync(port, cancellationToken);
            Log($"First reconciliation: {first.Elapsed.TotalSeconds:0.0} s; {atProvider:N0} people at the provider.");

            Log("Sync now, with everything in step…");
            started = Stopwatch.GetTimestamp();
            await CliAsync(options, environment, cancellationToken, "app", "scim", "sync", "Bench");
            var second = await WaitForSyncAsync(database, first.SyncedAt, started, cancellationToken);
            Log($"In-step reconciliation: {second.Elapsed.TotalSeconds:0.0} s.");
            return new Result(people.Count, atProvider, first.Elapsed, second.Elapsed, server.ResidentBytes);
        }
        finally
        {
            provider.Kill();
            await provider.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static Process StartProvider(Options options)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Path.GetDirectoryName(options.ProviderScript)!, RedirectStandardOutput = true, UseShellExecute = false };
        if (options.ClientCpus is not null)
        {
            // The provider is the app's side: on the load generator's CPU, away from Roster's.
            start.FileName = "taskset";
            foreach (var arg in new[] { "-c", options.ClientCpus, "node" })
                start.ArgumentList.Add(arg);
        }
        foreach (var arg in new[] { options.ProviderScript, "--token", Token })
            start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the SCIM provider.");
    }

    private static async Task CliAsync(Options options, Dictionary<string, string> environment, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(options.ServerDll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var cli = Process.Start(start)!;
        var output = cli.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = cli.StandardError.ReadToEndAsync(cancellationToken);
        await cli.WaitForExitAsync(cancellationToken);
        if (cli.ExitCode != 0)
            throw new InvalidOperationException($"roster {string.Join(' ', args)} failed: {await errors}{await output}");
    }

    /// <summary>Waits until the app's last full sync is newer than <paramref name="after"/> and no SCIM job is left.</summary>
    private static async Task<(TimeSpan Elapsed, string SyncedAt)> WaitForSyncAsync(string database, string? after, long started, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync(cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT c."LastSyncAt", c."LastError", (SELECT COUNT(*) FROM "Outbox" WHERE "Channel" = 3 AND "SentAt" IS NULL AND "GaveUpAt" IS NULL)
                FROM "ScimConnections" AS c
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) && reader.GetString(0) != after && reader.GetInt64(2) == 0)
                return (Stopwatch.GetElapsedTime(started), reader.GetString(0));
            await Task.Delay(50, cancellationToken);
        }
        throw new TimeoutException("The SCIM reconciliation did not finish within 30 minutes.");
    }

    private static async Task<int> CountAtProviderAsync(int port, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/scim/Users?count=1", cancellationToken));
        return list.RootElement.GetProperty("totalResults").GetInt32();
    }

    internal static string Render(Options options, Result result, DateTime started, string load)
    {
        var text = new StringBuilder();
        string S(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        string Rate(TimeSpan time) => (result.People / time.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture) + " people/s";
        text.AppendLine(CultureInfo.InvariantCulture, $"# SCIM reconciliation of {result.People:N0} people (app open to everyone, local scimmy provider)");
        text.AppendLine();
        text.AppendLine("| reconciliation | time | rate |");
        text.AppendLine("|---|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| first: everyone created at the provider (POST each, then the list) | {S(result.FirstSync)} | {Rate(result.FirstSync)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| sync now, everything in step (list and compare) | {S(result.InStepSync)} | {Rate(result.InStepSync)} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{result.AtProvider:N0} people at the provider afterwards ({result.People:N0} seeded and the owner); Roster's resident memory {Megabytes(result.ServerResidentBytes)}. " +
            $"Times from the command that queues the job to the job's end as the database shows it (polled every 50 ms). Roster on CPU {options.ServerCpus ?? "(not pinned)"}, " +
            $"the provider on CPU {options.ClientCpus ?? "(not pinned)"}, SQLite. Started {started:u}; load {load}; {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {CpuModel() ?? "unknown CPU"}.");
        return text.ToString();
    }

    private static Options Parse(string[] args)
    {
        string? serverDll = null, work = null, serverCpus = null, clientCpus = null, provider = null;
        var people = 10_000;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server-dll": serverDll = Next(); break;
                case "--work": work = Next(); break;
                case "--server-cpus": serverCpus = Next(); break;
                case "--client-cpus": clientCpus = Next(); break;
                case "--scim-provider": provider = Next(); break;
                case "--people": people = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--nproc": Next(); break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\nusage: roster-bench scim --server-dll PATH --work DIR --scim-provider server.js [--server-cpus LIST] [--client-cpus LIST] [--people N (default 10,000)]");
            }
        }
        if (serverDll is null || work is null || provider is null)
            throw new ArgumentException("usage: roster-bench scim --server-dll PATH --work DIR --scim-provider server.js [--people N]");
        return new Options(serverDll, work, serverCpus, clientCpus, provider, people);
    }
}
