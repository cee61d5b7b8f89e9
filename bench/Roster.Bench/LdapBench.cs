using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The ldap-search benchmark: equality searches by uid per second on reused, bound connections, from Roster
/// and from OpenLDAP's slapd (Debian's package, mdb backend, the same people and groups), each on the same
/// one core with the load generator on the other, in the same run. Progress goes to stderr, the markdown
/// report to stdout. Run it through bench/ldap-search, which builds, pins CPUs and cleans up.
/// </summary>
public static class LdapBench
{
    public const string Mode = "ldap-search";
    private const string BaseDn = "dc=example,dc=org";
    private const string People = "ou=people," + BaseDn;
    private const string SlapdPassword = "bench-password";

    internal sealed record Options(string ServerDll, string Work, string? ServerCpus, string Nproc, int Users, int Groups, int Connections, int Depth, double Warmup, double Seconds, double BindSeconds);

    internal sealed record Result(string Server, double PerSecond, double P50Ms, double P95Ms, CpuUse Cpu, string Version, double BindsPerSecond, CpuUse BindCpu, Changes? Changes = null);

    /// <summary>How long a committed change took to show over LDAP, and the server CPU it cost beyond idling.</summary>
    internal sealed record Changes(int Count, double P50Ms, double P95Ms, double MaxMs, double CpuMsPerChange, double IdleCpu, double ChangeCpu);

    /// <summary>Changes made in the change measurement: each person disabled, then enabled again, by the CLI.</summary>
    private const int ChangedPeople = 15;

    /// <summary>People who bind in the bind measurement, each with this password hashed as each server hashes passwords.</summary>
    private const int BindingPeople = 100;
    private const string PersonPassword = "amber-harbour-violin-2718";
    /// <summary>Roster's default PBKDF2 iteration count, used for both servers' hashes so a bind costs each the same.</summary>
    private const int Iterations = 100_000;
    private const int BindConnections = 4;

    public static Task<int> RunAsync(string[] args) =>
        BenchMode.RunAsync(args, Parse, MeasureAsync, Render, results => results[0].PerSecond >= results[1].PerSecond && !results.Any(GeneratorBound) && results[0].Changes is { P95Ms: < 1000 });

    internal static async Task<List<Result>> MeasureAsync(Options options, CancellationToken cancellationToken)
    {
        // Only people LDAP lists (enabled, not waiting on an invitation), so both servers hold the same entries.
        var hash = Ceiling.IdentityV3Hash(PersonPassword, Iterations);
        var users = Dataset.Generate(options.Users * 2, DateTime.UtcNow).Where(u => u.Enabled && !u.InvitationPending).Take(options.Users)
            .Select((u, i) => i < BindingPeople ? u with { PasswordHash = hash } : u).ToList();
        var binders = users.Take(BindingPeople).Select(u => $"uid={u.UserName},{People}").ToArray();
        var uids = users.Select(u => u.UserName).ToArray();
        var memberships = Memberships(users, options.Groups);
        var results = new List<Result>();

        // Roster: schema, the people and groups straight into SQLite, an app with an LDAP service account.
        var data = Path.Combine(options.Work, "roster-data");
        Directory.CreateDirectory(data);
        var ldapPort = ServerProcess.FreePort();
        var environment = ServerProcess.Environment(data, ldapListen: $"127.0.0.1:{ldapPort}");
        environment["Roster__Accounts__PasswordIterations"] = Iterations.ToString(CultureInfo.InvariantCulture);
        Log($"Seeding Roster with {options.Users:N0} people in {options.Groups} groups…");
        await GrantsBench.RunCliAsync(options.ServerDll, environment, ["migrate"], cancellationToken);
        var connectionString = $"Data Source={Path.Combine(data, "roster.db")}";
        await Seeder.SeedSqliteAsync(connectionString, users);
        await SeedGroupsAsync(connectionString, users, memberships, options.Groups);
        await GrantsBench.RunCliAsync(options.ServerDll, environment, ["app", "create", "--name", "Bench", "--url", "https://bench.example.org"], cancellationToken);
        var account = await GrantsBench.RunCliAsync(options.ServerDll, environment, ["app", "ldap-password", "Bench"], cancellationToken);
        var bindDn = GrantsBench.Field(account, "Bind DN");
        var bindPassword = GrantsBench.Field(account, "Password");

        await using (var server = await ServerProcess.StartAsync(options.ServerDll, environment, Path.Combine(options.Work, "server.log"), options.ServerCpus, Path.Combine(options.Work, "server.pid")))
        {
            var endpoint = new IPEndPoint(IPAddress.Loopback, ldapPort);
            var roster = await MeasureServerAsync("Roster", endpoint, bindDn, bindPassword, uids, binders, options, server.ProcessId, jitRounds: 4, RuntimeInformation.FrameworkDescription, cancellationToken);
            results.Add(roster with { Changes = await MeasureChangesAsync(options, environment, connectionString, endpoint, bindDn, bindPassword, uids.Skip(BindingPeople).ToArray(), server.ProcessId, cancellationToken) });
        }

        // slapd: the same entries as LDIF, loaded with slapadd, indexed as a directory for logins would be.
        Log("Loading the same entries into slapd…");
        var slapd = await Slapd.StartAsync(options.Work, users, memberships, options.Groups, options.ServerCpus, cancellationToken);
        try
        {
            results.Add(await MeasureServerAsync("OpenLDAP slapd", slapd.Endpoint, $"cn=admin,{BaseDn}", SlapdPassword, uids, binders, options, slapd.ProcessId, jitRounds: 1, slapd.Version, cancellationToken));
        }
        finally
        {
            slapd.Stop();
        }
        return results;
    }

    private static async Task<Result> MeasureServerAsync(
        string name, IPEndPoint endpoint, string bindDn, string password, string[] uids, string[] binders, Options options, int serverPid, int jitRounds, string version, CancellationToken cancellationToken)
    {
        var clients = new List<LdapClient>();
        for (var i = 0; i < options.Connections; i++)
            clients.Add(await LdapClient.ConnectAsync(endpoint, bindDn, password, cancellationToken));
        try
        {
            // Rounds with pauses let .NET's tiered JIT promote the hot paths (see bench/README.md, oidc-grants); slapd needs only one.
            for (var round = 1; round <= jitRounds; round++)
            {
                Log($"{name}: warm-up round {round} of {jitRounds}…");
                await LoadAsync(clients, uids, options.Depth, TimeSpan.FromSeconds(options.Warmup / jitRounds), null, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            Log($"{name}: {options.Connections} connections, {options.Seconds:0.#} s timed…");
            var latencies = new List<double>();
            var before = CpuSnapshot.Take(serverPid);
            var count = await LoadAsync(clients, uids, options.Depth, TimeSpan.FromSeconds(options.Seconds), latencies, cancellationToken);
            var cpu = CpuSnapshot.Take(serverPid).Since(before);
            Log(string.Create(CultureInfo.InvariantCulture, $"{name}: {count / cpu.WallSeconds:0} searches/s, server {cpu.Server:P0}, generator {cpu.Generator:P0}"));

            // Binds as people: each is one password check, PBKDF2 at the same iteration count on both servers.
            Log($"{name}: binds as people on {BindConnections} connections, {options.BindSeconds:0.#} s timed…");
            await BindLoadAsync(clients.Take(BindConnections).ToList(), binders, TimeSpan.FromSeconds(2), cancellationToken);
            var bindBefore = CpuSnapshot.Take(serverPid);
            var binds = await BindLoadAsync(clients.Take(BindConnections).ToList(), binders, TimeSpan.FromSeconds(options.BindSeconds), cancellationToken);
            var bindCpu = CpuSnapshot.Take(serverPid).Since(bindBefore);
            Log(string.Create(CultureInfo.InvariantCulture, $"{name}: {binds / bindCpu.WallSeconds:0.0} binds/s, server {bindCpu.Server:P0}"));
            return new Result(name, count / cpu.WallSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.95), cpu, version, binds / bindCpu.WallSeconds, bindCpu);
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    /// <summary>
    /// Time from a committed change to the first search that shows it: the command line (another process, as an
    /// operator runs it beside the server) disables a person, then enables them again; the commit is seen in the
    /// database's change log, and one connection searches for the person every few milliseconds from then on.
    /// The server's CPU time over the changes, less what it used idling for as long, is divided among them.
    /// </summary>
    private static async Task<Changes> MeasureChangesAsync(Options options, Dictionary<string, string> environment, string connectionString, IPEndPoint endpoint, string bindDn, string password,
        string[] uids, int serverPid, CancellationToken cancellationToken)
    {
        await using var client = await LdapClient.ConnectAsync(endpoint, bindDn, password, cancellationToken);
        Log("Roster: settling, then idle CPU for 10 s…");
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        var idleBefore = CpuSnapshot.Take(serverPid);
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        var idle = CpuSnapshot.Take(serverPid).Since(idleBefore).Server;

        Log($"Roster: {ChangedPeople * 2} changes by the CLI at {options.Users:N0} people…");
        var latencies = new List<double>();
        var before = CpuSnapshot.Take(serverPid);
        for (var i = 0; i < ChangedPeople; i++)
        {
            var uid = uids[(i * 7919) % uids.Length];
            foreach (var (command, found) in new[] { ("disable", 0), ("enable", 1) })
            {
                var commit = CommitAsync(connectionString, cancellationToken);
                await GrantsBench.RunCliAsync(options.ServerDll, environment, ["user", command, uid], cancellationToken);
                var committed = await commit;
                while ((await client.SearchAsync(People, "uid", [uid], cancellationToken))[0] != found)
                {
                    if (Stopwatch.GetElapsedTime(committed) > TimeSpan.FromSeconds(30))
                        throw new InvalidOperationException($"`roster user {command} {uid}` did not show over LDAP within 30 s.");
                    await Task.Delay(5, cancellationToken);
                }
                latencies.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
            }
        }
        var cpu = CpuSnapshot.Take(serverPid).Since(before);
        // Idle again after the changes; the lower of the two rates is the server's own background work.
        var idleAfter = CpuSnapshot.Take(serverPid);
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        idle = Math.Min(idle, CpuSnapshot.Take(serverPid).Since(idleAfter).Server);
        var cpuMs = (cpu.Server - idle) * cpu.WallSeconds * 1000 / latencies.Count;
        Log(string.Create(CultureInfo.InvariantCulture, $"Roster: change visible after p50 {Percentile(latencies, 0.5):0} ms, p95 {Percentile(latencies, 0.95):0} ms; {cpuMs:0.0} ms of server CPU per change"));
        return new Changes(latencies.Count, Percentile(latencies, 0.5), Percentile(latencies, 0.95), latencies.Max(), cpuMs, idle, cpu.Server);
    }

    /// <summary>
    /// When the next change commits, seen from outside: the row SQLite's change log gains in the change's own
    /// transaction, watched every millisecond. The command that made it exits later (its shutdown), so timing from
    /// the exit would flatter the server.
    /// </summary>
    private static async Task<long> CommitAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var last = connection.CreateCommand();
        last.CommandText = "SELECT COALESCE(MAX(\"Seq\"), 0) FROM \"DirectoryChangeLog\"";
        var before = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        while ((long)(await last.ExecuteScalarAsync(cancellationToken))! == before)
            await Task.Delay(1, cancellationToken);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>Every connection binds as one person after another until the time is up; every bind must succeed.</summary>
    private static async Task<long> BindLoadAsync(List<LdapClient> clients, string[] binders, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var done = await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            long binds = 0;
            for (var i = index; Stopwatch.GetTimestamp() < until; i += clients.Count, binds++)
                await client.BindAsync(binders[i % binders.Length], PersonPassword, cancellationToken);
            return binds;
        }, cancellationToken)));
        return done.Sum();
    }

    /// <summary>Every connection sends <paramref name="depth"/> searches for random uids as soon as its last answers are in; each must find exactly one entry.</summary>
    private static async Task<long> LoadAsync(List<LdapClient> clients, string[] uids, int depth, TimeSpan duration, List<double>? latencies, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            var own = new List<double>();
            var batch = new string[depth];
            long done = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                for (var i = 0; i < depth; i++)
                    batch[i] = uids[random.Next(uids.Length)];
                var sent = Stopwatch.GetTimestamp();
                var found = await client.SearchAsync(People, "uid", batch, cancellationToken);
                if (found.FirstOrDefault(f => f != 1, 1) is var wrong && wrong != 1)
                    throw new InvalidOperationException($"A search by uid found {wrong} entries, not 1.");
                own.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                done += depth;
            }
            return (done, own);
        }, cancellationToken)).ToList();
        var finished = await Task.WhenAll(workers);
        if (latencies is not null)
            foreach (var (_, own) in finished)
                latencies.AddRange(own);
        return finished.Sum(f => f.done);
    }

    /// <summary>Each person in one to three groups, every group with members.</summary>
    private static List<(int User, int Group)> Memberships(List<SeedUser> users, int groups)
    {
        var pairs = new List<(int, int)>();
        for (var i = 0; i < users.Count; i++)
        {
            pairs.Add((i, i % groups));
            if (i % 2 == 0)
                pairs.Add((i, (i / 2 + 7) % groups));
            if (i % 5 == 0)
                pairs.Add((i, (i / 5 + 31) % groups));
        }
        return [.. pairs.Distinct()];
    }

    private static string GroupName(int index) => $"team-{index:D3}";

    private static Guid GroupId(int index) => new(index + 1, 0, 0, new byte[8]);

    private static async Task SeedGroupsAsync(string connectionString, List<SeedUser> users, List<(int User, int Group)> memberships, int groups)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        var numbers = await Seeder.DrawPosixNumbersAsync(connection, transaction, groups);
        for (var g = 0; g < groups; g++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO \"Groups\" (\"Id\", \"Name\", \"NormalizedName\", \"Description\", \"CreatedAt\", \"UpdatedAt\", \"GidNumber\") VALUES ($id, $name, $normalized, '', $now, $now, $gid)";
            insert.Parameters.AddWithValue("$gid", numbers[g]);
            insert.Parameters.AddWithValue("$id", GroupId(g).ToString("D").ToUpperInvariant());
            insert.Parameters.AddWithValue("$name", GroupName(g));
            insert.Parameters.AddWithValue("$normalized", GroupName(g).ToUpperInvariant());
            insert.Parameters.AddWithValue("$now", now);
            await insert.ExecuteNonQueryAsync();
        }
        await using (var member = connection.CreateCommand())
        {
            member.Transaction = transaction;
            member.CommandText = "INSERT INTO \"GroupMembers\" (\"GroupId\", \"UserId\", \"AddedAt\") VALUES ($group, $user, $now)";
            var group = member.Parameters.Add("$group", SqliteType.Text);
            var user = member.Parameters.Add("$user", SqliteType.Text);
            member.Parameters.AddWithValue("$now", now);
            member.Prepare();
            foreach (var (u, g) in memberships)
            {
                group.Value = GroupId(g).ToString("D").ToUpperInvariant();
                user.Value = users[u].Id.ToString("D").ToUpperInvariant();
                await member.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
    }

    /// <summary>OpenLDAP's slapd from Debian, started in the foreground on a free loopback port.</summary>
    private sealed class Slapd(Process process, IPEndPoint endpoint, string version)
    {
        public IPEndPoint Endpoint => endpoint;
        public int ProcessId => process.Id;
        public string Version => version;

        public static async Task<Slapd> StartAsync(string work, List<SeedUser> users, List<(int User, int Group)> memberships, int groups, string? cpus, CancellationToken cancellationToken)
        {
            if (!File.Exists("/usr/sbin/slapd"))
                throw new InvalidOperationException("slapd is not installed: apt-get install slapd (Debian's OpenLDAP server).");
            var folder = Path.Combine(work, "slapd");
            var database = Path.Combine(folder, "db");
            Directory.CreateDirectory(database);
            var config = Path.Combine(folder, "slapd.conf");
            await File.WriteAllTextAsync(config, $"""
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                pidfile {folder}/slapd.pid
                argsfile {folder}/slapd.args
                loglevel 0
                modulepath /usr/lib/ldap
                moduleload back_mdb
                moduleload pw-pbkdf2
                database mdb
                maxsize 1073741824
                suffix "{BaseDn}"
                rootdn "cn=admin,{BaseDn}"
                rootpw {SlapdPassword}
                directory {database}
                index objectClass eq
                index uid eq
                index cn eq
                index mail eq
                index member eq

                """, cancellationToken);
            var ldif = Path.Combine(folder, "data.ldif");
            await File.WriteAllTextAsync(ldif, Ldif(users, memberships, groups, SlapdPbkdf2(PersonPassword, Iterations)), cancellationToken);
            await RunAsync("/usr/sbin/slapadd", ["-q", "-f", config, "-l", ldif], cancellationToken);

            var port = ServerProcess.FreePort();
            var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            if (cpus is not null)
            {
                start.FileName = "taskset";
                foreach (var arg in new[] { "-c", cpus, "/usr/sbin/slapd" })
                    start.ArgumentList.Add(arg);
            }
            else
            {
                start.FileName = "/usr/sbin/slapd";
            }
            foreach (var arg in new[] { "-f", config, "-h", $"ldap://127.0.0.1:{port}/", "-d", "0" })
                start.ArgumentList.Add(arg);
            var process = Process.Start(start) ?? throw new InvalidOperationException("slapd did not start.");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var probe = await LdapClient.ConnectAsync(endpoint, $"cn=admin,{BaseDn}", SlapdPassword, cancellationToken);
                    break;
                }
                catch (Exception) when (attempt < 50 && !process.HasExited)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }
            var version = (await RunAsync("/usr/sbin/slapd", ["-VV"], cancellationToken, allowFailure: true)).Split('\n').FirstOrDefault(l => l.Contains("slapd"))?.Trim() ?? "slapd";
            return new Slapd(process, endpoint, version);
        }

        public void Stop()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }

        /// <summary>
        /// A userPassword value for slapd-contrib's pw-pbkdf2 module: {PBKDF2-SHA512}iterations$salt$key, salt and
        /// key in its "adapted" base64 ('.' for '+', no padding); a 64-byte key is one SHA-512 block, as Roster's 32.
        /// </summary>
        private static string SlapdPbkdf2(string password, int iterations)
        {
            var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
            var key = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, System.Security.Cryptography.HashAlgorithmName.SHA512, 64);
            static string Adapted(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '.').TrimEnd('=');
            return string.Create(CultureInfo.InvariantCulture, $"{{PBKDF2-SHA512}}{iterations}${Adapted(salt)}${Adapted(key)}");
        }

        private static string Ldif(List<SeedUser> users, List<(int User, int Group)> memberships, int groups, string personPassword)
        {
            var text = new StringBuilder();
            var dc = BaseDn.Split(',')[0][3..];
            text.Append($"dn: {BaseDn}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\ndc: {dc}\no: {dc}\n\n");
            text.Append($"dn: {People}\nobjectClass: top\nobjectClass: organizationalUnit\nou: people\n\n");
            text.Append($"dn: ou=groups,{BaseDn}\nobjectClass: top\nobjectClass: organizationalUnit\nou: groups\n\n");
            foreach (var (user, index) in users.Select((u, i) => (u, i)))
            {
                var names = user.Name.Split(' ', 2);
                text.Append($"dn: uid={user.UserName},{People}\nobjectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: inetOrgPerson\n");
                text.Append($"uid: {user.UserName}\ncn: {user.Name}\nsn: {names[^1]}\ngivenName: {names[0]}\ndisplayName: {user.Name}\nmail: {user.Email}\nentryUUID: {user.Id}\n");
                if (index < BindingPeople)
                    text.Append($"userPassword: {personPassword}\n");
                text.Append('\n');
            }
            foreach (var group in Enumerable.Range(0, groups))
            {
                text.Append($"dn: cn={GroupName(group)},ou=groups,{BaseDn}\nobjectClass: top\nobjectClass: groupOfNames\ncn: {GroupName(group)}\n");
                foreach (var (u, _) in memberships.Where(m => m.Group == group))
                    text.Append($"member: uid={users[u].UserName},{People}\n");
                text.Append('\n');
            }
            return text.ToString();
        }

        private static async Task<string> RunAsync(string file, string[] args, CancellationToken cancellationToken, bool allowFailure = false)
        {
            var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0 && !allowFailure)
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await errors}");
            return await output + await errors;
        }
    }

    internal static bool GeneratorBound(Result r) => r.Cpu.Generator >= 0.9 && r.Cpu.Server < 0.9;

    private static string Render(Options options, List<Result> results, DateTime started, string load)
    {
        var text = new StringBuilder();
        var slapd = results[1].PerSecond;
        text.AppendLine("### LDAP equality searches per second: Roster beside OpenLDAP slapd (target: at least slapd's rate)");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- run: {started:yyyy-MM-dd HH:mm} UTC; nproc: {options.Nproc}; CPU: {CpuModel()}; load average (1 min): {load}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {options.Users:N0} people in {options.Groups} groups; each server on CPU {options.ServerCpus ?? "(not pinned)"}, the load generator on the other; {options.Connections} connections, each bound once and then searching `{People}` (subtree) for `(uid=<random person>)` with all user attributes, {options.Depth} searches sent together per connection and all answered before the next {options.Depth} (latency is per batch)"));
        text.AppendLine($"- Roster: SQLite, bound as an app's service account; slapd: mdb backend, `uid` indexed, bound as the rootdn (which skips slapd's access checks); {string.Join("; ", results.Select(r => r.Version))}");
        text.AppendLine();
        text.AppendLine("| server | searches/s | vs slapd | per server CPU-second | vs slapd | server CPU | generator CPU | p50 ms | p95 ms | binds/s as people | vs slapd |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var slapdPerCpu = results[1].PerSecond / results[1].Cpu.Server;
        foreach (var r in results)
        {
            var bound = GeneratorBound(r) ? " (generator-bound)" : "";
            var perCpu = r.PerSecond / r.Cpu.Server;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Server} | {r.PerSecond:N0}{bound} | {r.PerSecond / slapd:P0} | {perCpu:N0} | {perCpu / slapdPerCpu:P0} | {r.Cpu.Server:P0} | {r.Cpu.Generator:P0} | {r.P50Ms:0.00} | {r.P95Ms:0.00} | {r.BindsPerSecond:0.0} | {r.BindsPerSecond / results[1].BindsPerSecond:P0} |"));
        }
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Binds: {BindConnections} connections, each binding as one of {BindingPeople} people after another; both servers check a PBKDF2-HMAC-SHA512 hash of {Iterations:N0} iterations (Roster's default; slapd through slapd-contrib's pw-pbkdf2), so a bind costs each the same hashing and the rest is overhead. Every bind must succeed."));
        text.AppendLine();
        if (results[0].Changes is { } changes)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"### A committed change, visible over LDAP at {options.Users:N0} people (target: within 1 s)"));
            text.AppendLine();
            text.AppendLine("| changes | p50 ms | p95 ms | max ms | server CPU ms per change | server CPU while changing | server CPU idle |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {changes.Count} | {changes.P50Ms:0} | {changes.P95Ms:0} | {changes.MaxMs:0} | {changes.CpuMsPerChange:0.0} | {changes.ChangeCpu:P1} | {changes.IdleCpu:P1} |"));
            text.AppendLine();
            text.AppendLine("Each change is `roster user disable` or `enable` run as its own process beside the server; the time runs from its commit (the bench watches the change log's newest row every millisecond) to the first search that shows it, searching every 5 ms. The server hears of it by reading SQLite's change log four times a second, then reads the one person again. CPU per change is the server's CPU time over all the changes, less its idle rate (the lower of 10 s before and 10 s after) over the same time, divided by the count; it can come out negative when the machine is noisy, which says the changes cost less than the noise.");
            text.AppendLine();
        }
        text.AppendLine("Each search must find exactly one entry, or the run fails. server CPU and generator CPU are each process's CPU time over the timed window as a share of one core. A row is generator-bound when the generator used 90 % or more of its core while the server had more than a tenth of its own to spare: then the rate is the generator's, not the server's; per server CPU-second compares the servers either way.");
        return text.ToString();
    }

    internal static Options Parse(string[] args)
    {
        string? dll = null, work = null, cpus = null, nproc = "?";
        int users = 100_000, groups = 100, connections = 8, depth = 4;
        double warmup = 20, seconds = 15, bindSeconds = 10;
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
                case "--users": users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--groups": groups = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--depth": depth = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--bind-seconds": bindSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --users N --groups N --connections N --depth N --warmup S --seconds S --bind-seconds S");
            }
        }
        return new Options(dll ?? throw new ArgumentException("--server-dll must name the built roster.dll"), work ?? throw new ArgumentException("--work is required"),
            cpus, nproc, users, groups, connections, depth, warmup, seconds, bindSeconds);
    }
}
