using System.Globalization;

namespace Roster.Bench;

internal sealed class GrantsOptions
{
    /// <summary>The requirement: each grant at least this share of the raw RS256 signing rate of the server's core.</summary>
    public const double TargetPercent = 70;

    /// <summary>Above this share of its core the load generator may be what limits the rate.</summary>
    public const double GeneratorBound = 0.90;

    public string ServerDll { get; private set; } = "";
    public string WorkDirectory { get; private set; } = "";
    public int Workers { get; private set; } = 8;
    public int Chains { get; private set; } = 64;
    /// <summary>The longest warm-up of both grants, which normally ends sooner: when the JIT is done (see GrantsBench).</summary>
    public double JitWarmupSeconds { get; private set; } = 120;
    /// <summary>Load before each timed window, after the switch from the previous case and its ceiling, to reach a steady state again.</summary>
    public double WarmupSeconds { get; private set; } = 1;
    public double Seconds { get; private set; } = 15;
    /// <summary>Each case's timed seconds are split into this many windows, one per round of all the cases, with the raw ceiling measured around each.</summary>
    public int Windows { get; private set; } = 5;
    /// <summary>One timed window: <see cref="Seconds"/> split over the <see cref="Windows"/>.</summary>
    public double WindowSeconds => Seconds / Windows;
    /// <summary>Each raw RS256 measurement, before, between and after a case's windows.</summary>
    public double SigningSeconds { get; private set; } = 2;
    public string? ServerCpus { get; private set; }
    public string? ClientCpus { get; private set; }
    public string? Nproc { get; private set; }
    /// <summary>bench/peers/oidc-provider/server.mjs, to measure npm's oidc-provider beside Roster; none when not given.</summary>
    public string? OidcProvider { get; private set; }
    /// <summary>Let the load generator's cores idle between its requests instead of keeping them awake (<see cref="AwakeCores"/>).</summary>
    public bool IdleGeneratorCores { get; private set; }

    private const string Usage =
        "usage: roster-bench oidc-grants --server-dll PATH --work DIR [--workers N] [--chains N] [--jit-warmup SECONDS]\n" +
        "                    [--warmup SECONDS] [--seconds SECONDS] [--windows N] [--rs256-seconds SECONDS]\n" +
        "                    [--server-cpus LIST] [--client-cpus LIST] [--nproc N] [--oidc-provider SERVER.MJS]\n" +
        "                    [--idle-generator-cores]";

    public static GrantsOptions Parse(string[] args)
    {
        var options = new GrantsOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw Fail($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server-dll": options.ServerDll = Path.GetFullPath(Next()); break;
                case "--work": options.WorkDirectory = Path.GetFullPath(Next()); break;
                case "--workers": options.Workers = Positive(Next()); break;
                case "--chains": options.Chains = Positive(Next()); break;
                case "--jit-warmup": options.JitWarmupSeconds = ParseSeconds(Next(), allowZero: true); break;
                case "--warmup": options.WarmupSeconds = ParseSeconds(Next(), allowZero: true); break;
                case "--seconds": options.Seconds = ParseSeconds(Next(), allowZero: false); break;
                case "--windows": options.Windows = Positive(Next()); break;
                case "--rs256-seconds": options.SigningSeconds = ParseSeconds(Next(), allowZero: false); break;
                case "--server-cpus": options.ServerCpus = Next(); break;
                case "--client-cpus": options.ClientCpus = Next(); break;
                case "--nproc": options.Nproc = Next(); break;
                case "--oidc-provider": options.OidcProvider = Path.GetFullPath(Next()); break;
                case "--idle-generator-cores": options.IdleGeneratorCores = true; break;
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
        if (options.Chains < options.Workers)
            throw Fail($"--chains ({options.Chains}) must be at least --workers ({options.Workers}): each worker owns its chains");
        Directory.CreateDirectory(options.WorkDirectory);
        return options;
    }

    private static int Positive(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw Fail($"{value} is not a positive number");

    private static double ParseSeconds(string value, bool allowZero) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var s) && (s > 0 || allowZero && s == 0)
            ? s
            : throw Fail($"{value} is not a {(allowZero ? "non-negative" : "positive")} number of seconds");

    private static ArgumentException Fail(string message) => new($"{message}\n{Usage}");
}
