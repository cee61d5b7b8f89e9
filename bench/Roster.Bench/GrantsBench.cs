using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using static Roster.Bench.Common;

namespace Roster.Bench;

/// <summary>
/// The oidc-grants benchmark: client_credentials and refresh_token grants per second from the real server
/// on one core, beside the raw RS256 signing rate of that same core, measured in the same run. Each grant
/// signs exactly one JWT (an access token; a refresh answer carries no ID token), so the ratio is what
/// Roster spends beyond the signature. Progress goes to stderr, the markdown report to stdout.
/// Run it through bench/oidc-grants, which builds, pins CPUs and cleans up.
/// </summary>
public static class GrantsBench
{
    public const string Mode = "oidc-grants";

    private const string RedirectUri = "http://127.0.0.1:9/cb";

    internal static readonly TimeSpan WarmupLoad = TimeSpan.FromSeconds(4);
    /// <summary>
    /// Longer than the runtime's call-counting delay, which on a process pinned to one CPU is 1 s
    /// (TC_CallCountingDelayMs 100 ms × TC_DelaySingleProcMultiplier 10) and starts over at every method
    /// compiled for the first time; under unbroken load it hardly ever runs out, and promotions wait.
    /// </summary>
    internal static readonly TimeSpan WarmupPause = TimeSpan.FromSeconds(2);
    private const int MinimumWarmupRounds = 3;

    /// <summary>The tiered compilation worker's thread name, as /proc keeps it (15 characters).</summary>
    private const string TieringThread = ".NET Tiered Com";

    /// <summary>Below this share of the core over a round, the JIT is taken to be done with the hot paths.</summary>
    private const double SettledCompiling = 0.02;

    public static Task<int> RunAsync(string[] args) =>
        BenchMode.RunAsync(args, GrantsOptions.Parse, MeasureAsync, GrantsReport.Render,
            // A grant under the target, or one the load generator may have limited, misses.
            measured => measured.Grants.All(GrantsReport.Ok));

    internal static async Task<Measurements> MeasureAsync(GrantsOptions options, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(options.WorkDirectory, "sqlite-data");
        Directory.CreateDirectory(dataDirectory);
        var environment = ServerProcess.Environment(dataDirectory);

        // The CLI needs the schema; the first server start then creates the owner from Roster__Owner__*.
        Log("Creating the schema and registering a confidential app with the Roster CLI…");
        await RunCliAsync(options.ServerDll, environment, ["migrate"], cancellationToken);
        var created = await RunCliAsync(options.ServerDll, environment,
            ["app", "create", "--name", "Bench", "--url", "https://bench.example.org", "--redirect-uri", RedirectUri, "--confidential"], cancellationToken);
        var clientId = Field(created, "Client ID");
        var clientSecret = Field(created, "Client secret");
        await RunCliAsync(options.ServerDll, environment, ["app", "device-grant", "Bench", "on"], cancellationToken);
        // A second app that may ask for offline_access and gets refresh tokens only with it (OpenID Connect Core section 11).
        var offlineCreated = await RunCliAsync(options.ServerDll, environment,
            ["app", "create", "--name", "BenchOffline", "--url", "https://offline.bench.example.org", "--redirect-uri", RedirectUri, "--confidential"], cancellationToken);
        await RunCliAsync(options.ServerDll, environment, ["app", "refresh-tokens", "BenchOffline", "--offline-access"], cancellationToken);

        var logPath = Path.Combine(options.WorkDirectory, "server-sqlite.log");
        await using var server = await ServerProcess.StartAsync(options.ServerDll, environment, logPath, options.ServerCpus, Path.Combine(options.WorkDirectory, "server.pid"));
        Log($"Started {server}.");
        using var tokens = new TokenClient(server.BaseAddress, clientId, clientSecret);
        var probe = await tokens.ClientCredentialsAsync(cancellationToken);
        if (!probe.Ok)
            throw new InvalidOperationException($"A first client_credentials grant answered {probe.Status}: {probe.Failure}");
        if (Algorithm(probe.AccessToken!) is not "RS256" and var algorithm)
            throw new InvalidOperationException($"The bench app's tokens are signed with {algorithm}, not RS256: the comparison would be meaningless.");

        Log($"Signing in as the owner and starting {options.Chains} refresh-token chains…");
        using var owner = new DashboardClient(server.BaseAddress);
        await owner.SignInAsync(BenchOptions.OwnerEmail, BenchOptions.OwnerPassword);
        var signIn = new CodeFlow(owner, tokens, clientId, RedirectUri);
        var chains = await RefreshChains.CreateAsync(signIn, options.Chains, options.Workers, cancellationToken);
        using var offlineTokens = new TokenClient(server.BaseAddress, Field(offlineCreated, "Client ID"), Field(offlineCreated, "Client secret"));
        var offlineChains = await RefreshChains.CreateAsync(
            new CodeFlow(owner, offlineTokens, Field(offlineCreated, "Client ID"), RedirectUri, "openid profile offline_access"), options.Chains, options.Workers, cancellationToken);

        // Polls go round a pool of device codes nobody approves, as many devices waiting on their people would.
        Log($"Asking for {DeviceCodePool} device codes…");
        var deviceCodes = new string[DeviceCodePool];
        for (var i = 0; i < deviceCodes.Length; i++)
            deviceCodes[i] = await tokens.DeviceCodeAsync(cancellationToken) ?? throw new InvalidOperationException("The device authorization endpoint refused the bench app.");
        var nextDeviceCode = 0;

        // The platform's ceiling beside Roster on the same CPU, each idle while the other is timed.
        Log("Starting the bare ASP.NET Core token endpoint (form in, one RS256 signature out) on the same CPU…");
        var barePort = ServerProcess.FreePort();
        await using var bareEndpoint = await CeilingProbe.StartAsync(BareTokenEndpoint.Mode, options.ServerCpus, cancellationToken,
            ["--port", barePort.ToString(CultureInfo.InvariantCulture)]);
        using var bareTokens = new TokenClient(new Uri($"http://127.0.0.1:{barePort}/"), "bare", "bare", BareTokenEndpoint.Path);

        // From here to the end, ceilings included, every measurement sees the generator's cores kept awake.
        await using var awake = options.IdleGeneratorCores || options.ClientCpus is null ? null : AwakeCores.Start(options.ClientCpus, options.WorkDirectory);

        // The ceiling on the server's own core, while the server has nothing to do: once here, then between
        // each case's windows, so a case and its ceiling see the same machine however its speed drifts.
        Log($"Raw RS256 signing on CPU {options.ServerCpus ?? "(not pinned)"}, {options.SigningSeconds:0.#} s at a time…");
        await using var rawSigning = await CeilingProbe.StartAsync(Ceiling.Rs256Mode, options.ServerCpus, cancellationToken);
        var idleBefore = CpuSnapshot.Take(server.ProcessId);
        var signingIdle = await rawSigning.MeasureAsync(options.SigningSeconds, cancellationToken);
        var idle = CpuSnapshot.Take(server.ProcessId).Since(idleBefore);
        Log(string.Create(CultureInfo.InvariantCulture, $"raw RS256: {signingIdle.PerSecond:0} signatures/s ({signingIdle.CpuShare:P0} of a core)"));

        LoadCase[] cases =
        [
            new(ClientCredentials, server.ProcessId, (_, ct) => tokens.ClientCredentialsAsync(ct)),
            new(RefreshToken, server.ProcessId, (worker, ct) => chains.RefreshNextAsync(tokens, worker, ct)),
            new(OfflineRefreshToken, server.ProcessId, (worker, ct) => offlineChains.RefreshNextAsync(offlineTokens, worker, ct)),
            new(AuthorizationCode, server.ProcessId, (_, ct) => signIn.RunAsync(ct)),
            new(DeviceCodePoll, server.ProcessId, (_, ct) =>
                tokens.PollDeviceCodeAsync(deviceCodes[(int)((uint)Interlocked.Increment(ref nextDeviceCode) % DeviceCodePool)], ct)),
        ];
        LoadCase bareCase = new(BareClientCredentials, bareEndpoint.ProcessId, (_, ct) => bareTokens.ClientCredentialsAsync(ct));
        // Each process gets its own warm-up: the JIT's quiet is read per process.
        var warmed = await WarmUpAsync(options, cases, cancellationToken);
        await WarmUpAsync(options, [bareCase], cancellationToken);
        // The bare endpoint takes its turn in every round with Roster's cases, so Roster's share of its rate
        // compares windows seconds apart, not minutes.
        var timed = await TimeCasesAsync(options, rawSigning, [.. cases, bareCase], cancellationToken);
        var grants = timed[..cases.Length];
        var bare = timed[^1];
        var signing = CeilingRate.Pooled([signingIdle, .. timed.Select(g => g.Raw!)]);
        Log(string.Create(CultureInfo.InvariantCulture, $"raw RS256 over the run: {signing.PerSecond:0} signatures/s (the slowest {signing.Spread:P0} below the fastest)"));
        // The peer gets the CPU to itself.
        await bareEndpoint.DisposeAsync();
        await server.DisposeAsync();

        PeerResult? peer = null;
        if (options.OidcProvider is { } script)
        {
            Log("Starting npm's oidc-provider with the same kind of client on the same CPU…");
            await using var oidcProvider = await OidcProviderPeer.StartAsync(script, options.Chains, options.ServerCpus, options.WorkDirectory, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var idleBytes = oidcProvider.ResidentBytes;
            Log($"{oidcProvider.Version}: idle resident memory {Common.Megabytes(idleBytes)}.");
            using var peerTokens = new TokenClient(oidcProvider.Endpoint, oidcProvider.ClientId, oidcProvider.ClientSecret, oidcProvider.Endpoint.AbsolutePath);
            var peerChains = RefreshChains.FromTokens(oidcProvider.RefreshTokens, options.Workers);
            var peerGrants = await TimeCasesAsync(options, rawSigning,
                [
                    new(ClientCredentials, oidcProvider.ProcessId, (_, ct) => peerTokens.ClientCredentialsAsync(ct)),
                    new(RefreshToken, oidcProvider.ProcessId, (worker, ct) => peerChains.RefreshNextAsync(peerTokens, worker, ct)),
                ],
                cancellationToken);
            peer = new PeerResult(oidcProvider.Version, idleBytes, peerGrants);
        }
        return new Measurements(signing, idle, warmed, grants, bare, RuntimeInformation.FrameworkDescription, peer);
    }

    public const string ClientCredentials = "client_credentials";
    public const string RefreshToken = "refresh_token";

    /// <summary>A refresh of an offline_access grant: one that outlives the person's session.</summary>
    public const string OfflineRefreshToken = "refresh_token (offline_access)";
    /// <summary>The whole sign-in to an app of a person already signed in: authorize, then the code for tokens.</summary>
    public const string AuthorizationCode = "authorization code flow";
    /// <summary>A device's poll (RFC 8628) before its person decides: one read and one update, no signature.</summary>
    public const string DeviceCodePoll = "device-code poll, pending (signs nothing)";
    private const int DeviceCodePool = 4096;

    /// <summary>A client_credentials grant from <see cref="BareTokenEndpoint"/>, the platform's ceiling.</summary>
    public const string BareClientCredentials = "bare client_credentials";

    /// <summary>
    /// The cases in turns, one window each per round, with the raw RS256 ceiling measured before each window and
    /// after the last (see <see cref="ClosedLoop"/>), and every answer a 200 with tokens.
    /// </summary>
    private static async Task<List<LoadResult>> TimeCasesAsync(
        GrantsOptions options, CeilingProbe rawSigning, IReadOnlyList<LoadCase> cases, CancellationToken cancellationToken)
    {
        Log($"{string.Join(", ", cases.Select(c => c.Name))} in turns: {options.Workers} workers, {options.Windows} rounds of one {options.WindowSeconds:0.#} s window each after {options.WarmupSeconds:0.#} s of warm-up, raw RS256 before each window and after the last…");
        var results = await ClosedLoop.RunAsync(cases, options.Workers,
            TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.WindowSeconds), options.Windows, cancellationToken,
            ct => rawSigning.MeasureAsync(options.SigningSeconds, ct));
        foreach (var result in results)
        {
            if (result.Failures > 0)
                throw new InvalidOperationException($"{result.Case}: {result.Failures} answer(s) other than 200 with tokens; the first was {result.FirstFailure}");
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{result.Case}: {result.PerSecond:0}/s, p50 {result.P50Ms:0.0} ms, server {result.Cpu.Server:P0}, generator {result.Cpu.Generator:P0}; raw RS256 meanwhile {result.Raw!.PerSecond:0}/s"));
        }
        return results;
    }

    /// <summary>
    /// Both grants, alternating, in rounds of load with an idle pause after each, until .NET's tiered JIT
    /// is done with the hot paths (at least <see cref="MinimumWarmupRounds"/> rounds, at most --jit-warmup
    /// seconds). The runtime recompiles hot methods in the background, first instrumented, then optimized:
    /// thousands of methods, and grants timed before that come out 40-50 % lower. Each pause lets the runtime
    /// start the next promotions (see <see cref="WarmupPause"/>), which the next round's calls trigger;
    /// two rounds in a row in which the background compiler (".NET Tiered Compilation Worker") stays idle
    /// mean nothing hot is left to promote (one quiet round alone was seen followed by a busy one). One warm-up for every case, so a later case does not start
    /// with code the first never ran; the cases all go to one server process, the first case's.
    /// </summary>
    private static async Task<Warmup> WarmUpAsync(GrantsOptions options, LoadCase[] cases, CancellationToken cancellationToken)
    {
        var serverProcessId = cases[0].ServerProcessId;
        if (options.JitWarmupSeconds <= 0)
            return new Warmup(0, TimeSpan.Zero, Settled: false);
        Log($"Warm-up: every case, in turn, until the JIT has settled (at most {options.JitWarmupSeconds:0} s)…");
        var turn = new int[options.Workers];
        var started = Stopwatch.StartNew();
        var quietRounds = 0;
        for (var round = 1; ; round++)
        {
            var compilerBefore = CpuSnapshot.ThreadSeconds(serverProcessId, TieringThread);
            var roundStarted = Stopwatch.GetTimestamp();
            var mixed = new LoadCase("warm-up", serverProcessId, (worker, ct) => cases[turn[worker]++ % cases.Length].Send(worker, ct));
            var warmed = (await ClosedLoop.RunAsync([mixed], options.Workers,
                WarmupLoad - TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), rounds: 1, cancellationToken)).Single();
            if (warmed.Failures > 0)
                throw new InvalidOperationException($"warm-up: {warmed.Failures} answer(s) other than 200 with tokens; the first was {warmed.FirstFailure}");
            await Task.Delay(WarmupPause, cancellationToken);
            var compiling = CpuSnapshot.ThreadSeconds(serverProcessId, TieringThread)
                .Sum(t => t.Value - compilerBefore.GetValueOrDefault(t.Key)) / Stopwatch.GetElapsedTime(roundStarted).TotalSeconds;
            Log(string.Create(CultureInfo.InvariantCulture,
                $"warm-up round {round}: {warmed.PerSecond:0} grants/s in its last second; the JIT's background compiler used {compiling:P0} of the core"));
            quietRounds = compiling < SettledCompiling ? quietRounds + 1 : 0;
            if (round >= MinimumWarmupRounds && quietRounds >= 2)
                return new Warmup(round, started.Elapsed, Settled: true);
            if (started.Elapsed.TotalSeconds + (WarmupLoad + WarmupPause).TotalSeconds > options.JitWarmupSeconds)
            {
                Log($"warm-up: the JIT was still compiling after {started.Elapsed.TotalSeconds:0} s (--jit-warmup); measuring anyway.");
                return new Warmup(round, started.Elapsed, Settled: false);
            }
        }
    }

    /// <summary>`dotnet roster.dll ARGS` with the server's configuration; its stdout, or an exception with its stderr.</summary>
    internal static async Task<string> RunCliAsync(string serverDll, Dictionary<string, string> environment, string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the Roster CLI.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"roster {string.Join(' ', args)} exited with {process.ExitCode}: {(await errors).Trim()} {(await output).Trim()}");
        return await output;
    }

    /// <summary>The value of a "Name: value" line the CLI printed.</summary>
    internal static string Field(string output, string name) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..]
        ?? throw new InvalidOperationException($"The Roster CLI printed no \"{name}:\" line: {output}");

    /// <summary>The "alg" of a JWS's protected header.</summary>
    private static string Algorithm(string jwt)
    {
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[0]));
        return header.RootElement.GetProperty("alg").GetString() ?? "";
    }
}

/// <summary>
/// Everything one run measured: the signing ceiling, the server's CPU meanwhile, each grant case, the bare
/// endpoint's client_credentials (<see cref="BareTokenEndpoint"/>, the platform's ceiling), and the peer's.
/// </summary>
internal sealed record Measurements(CeilingRate Signing, CpuUse ServerWhileSigning, Warmup Warmup, List<LoadResult> Grants, LoadResult Bare, string Runtime, PeerResult? Peer);

/// <summary>npm's oidc-provider in the same run: its idle memory and its grants.</summary>
internal sealed record PeerResult(string Version, long IdleBytes, List<LoadResult> Grants);

/// <summary>How the JIT warm-up went: rounds, time, and whether the JIT settled before --jit-warmup ran out.</summary>
internal sealed record Warmup(int Rounds, TimeSpan Elapsed, bool Settled);
