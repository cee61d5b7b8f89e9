using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// `roster import` of a CSV of 100,000 people with passlib PBKDF2-SHA256 hashes (600,000 iterations, OWASP's figure)
/// into an empty SQLite (and, with --postgres, PostgreSQL) database, through the published executable as an operator
/// would run it: wall time of the dry run and of the import, and the process's peak resident memory (VmHWM from
/// /proc, read every 50 ms while it runs; the high-water mark only grows, so the last reading is the peak up to then).
/// Only the first person's hash is computed for real: an import parses and checks hashes, it does not verify them.
/// </summary>
public static class ImportBench
{
    public const string Mode = "import";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine("bench/run import [--people N (100000)] [--postgres \"<connection string>\"]: times roster import of N people with PBKDF2 hashes.");
            return 0;
        }
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var serverDll = Arg("--server-dll", "");
        var work = Arg("--work", Path.GetTempPath());
        var people = int.Parse(Arg("--people", "100000"), CultureInfo.InvariantCulture);
        var postgres = args.Contains("--postgres") ? Arg("--postgres", "") : null;
        var cpus = Arg("--server-cpus", "");

        var csv = Path.Combine(work, "people.csv");
        Log($"Writing {people:N0} people with PBKDF2-SHA256 hashes to {csv}…");
        await WriteCsvAsync(csv, people);
        var size = new FileInfo(csv).Length;

        Console.WriteLine($"## roster import: {people:N0} people with PBKDF2 hashes ({size / 1024.0 / 1024.0:F1} MiB CSV)\n");
        Console.WriteLine("| database | step | wall time | peak resident memory (VmHWM) | exit |");
        Console.WriteLine("|---|---|---:|---:|---|");
        var failed = false;
        foreach (var provider in postgres is null ? ["Sqlite"] : new[] { "Sqlite", "Postgres" })
        {
            var data = Path.Combine(work, $"import-{provider.ToLowerInvariant()}");
            Directory.CreateDirectory(data);
            var environment = ServerProcess.Environment(data, provider);
            if (provider == "Postgres")
                environment["Roster__Database__ConnectionString"] = postgres!;
            foreach (var (step, extra) in new[] { ("migrate", Array.Empty<string>()), ("dry run", new[] { "import", csv, "--dry-run" }), ("import", new[] { "import", csv }) })
            {
                var command = step == "migrate" ? ["migrate"] : extra;
                var (exit, elapsed, peak, output) = await RunMeasuredAsync(serverDll, environment, data, cpus, command);
                Console.WriteLine($"| {provider} | {step} | {elapsed.TotalSeconds:F1} s | {peak / 1024.0 / 1024.0:F0} MB | {exit} |");
                if (exit != 0)
                {
                    failed = true;
                    Console.Error.WriteLine(output.Length > 2000 ? output[^2000..] : output);
                    break;
                }
            }
        }
        return failed ? 1 : 0;
    }

    private static async Task WriteCsvAsync(string path, int count)
    {
        static string Ab64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '.');
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync("username,email,name,groups,password_hash");
        for (var i = 0; i < count; i++)
        {
            var salt = RandomNumberGenerator.GetBytes(16);
            var digest = i == 0
                ? Rfc2898DeriveBytes.Pbkdf2("bench password 0"u8, salt, 600_000, HashAlgorithmName.SHA256, 32)
                : RandomNumberGenerator.GetBytes(32);
            await writer.WriteLineAsync($"bench{i:D6},bench{i:D6}@example.org,Bench Person {i},team{i % 100},$pbkdf2-sha256$600000${Ab64(salt)}${Ab64(digest)}");
        }
    }

    private static async Task<(int Exit, TimeSpan Elapsed, long PeakBytes, string Output)> RunMeasuredAsync(
        string serverDll, Dictionary<string, string> environment, string workingDirectory, string cpus, string[] args)
    {
        var start = cpus.Length > 0
            ? new ProcessStartInfo("taskset", ["-c", cpus, "dotnet", serverDll, .. args])
            : new ProcessStartInfo("dotnet", [serverDll, .. args]);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        // taskset execs dotnet in place, so the pid is the importer's own.
        while (!process.HasExited)
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            await Task.Delay(50);
        }
        await process.WaitForExitAsync();
        clock.Stop();
        return (process.ExitCode, clock.Elapsed, peak, await output + await errors);
    }

    private static long HighWaterMark(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
