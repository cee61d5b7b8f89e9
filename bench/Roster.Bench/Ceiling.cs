using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Bench;

/// <summary>What one core does with nothing but one cryptographic operation: operations per wall second, and the CPU it got meanwhile.</summary>
public sealed record CeilingRate(long Operations, double Seconds, double CpuSeconds)
{
    public double PerSecond => Operations / Seconds;

    /// <summary>Share of one core the measuring process got; below 1 when something else ran on its CPU.</summary>
    public double CpuShare => CpuSeconds / Seconds;

    public double PerCpuSecond => Operations / CpuSeconds;

    /// <summary>
    /// Measurements of the same ceiling pooled, taken at different moments of a run (before and after a load,
    /// or between its windows): the machine's speed drifts (it is shared), so the ceiling is the rate over
    /// all of them, and <see cref="Spread"/> says how far apart they were.
    /// </summary>
    public static CeilingRate Pooled(IReadOnlyList<CeilingRate> parts) =>
        new(parts.Sum(p => p.Operations), parts.Sum(p => p.Seconds), parts.Sum(p => p.CpuSeconds))
        {
            Spread = (parts.Max(p => p.PerSecond) - parts.Min(p => p.PerSecond)) / parts.Max(p => p.PerSecond),
        };

    /// <summary>How far apart the pooled measurements were (fastest minus slowest), as a share of the fastest; 0 for a single one.</summary>
    public double Spread { get; init; }
}

/// <summary>
/// The cryptographic ceilings Roster's rates are compared with, each measured in a child process pinned to
/// the server's CPU while the server idles, so the ceiling is that core's and not the load generator's:
/// <list type="bullet">
/// <item>`rs256`: single-threaded RSA-2048 PKCS#1 v1.5 SHA-256 signatures (RFC 7518 section 3.3) over a
/// JWT-sized input, which is what minting one token costs in cryptography;</item>
/// <item>`pbkdf2 --iterations N`: PBKDF2 with HMAC-SHA512, a 128-bit salt and a 256-bit key, which is what
/// ASP.NET Core Identity's hasher (format v3) computes to check one password.</item>
/// </list>
/// </summary>
public static class Ceiling
{
    public const string Rs256Mode = "rs256";
    public const string Pbkdf2Mode = "pbkdf2";

    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);

    /// <summary>The line the child prints once warm, before it takes requests.</summary>
    public const string Ready = "ready";

    /// <summary>
    /// `roster-bench rs256|pbkdf2 [--iterations N]`, run by <see cref="CeilingProbe"/>: warms up, prints
    /// <see cref="Ready"/>, then answers each line read from stdin, a number of seconds to measure for, with
    /// one line `operations=… seconds=… cpu=…`, until stdin closes.
    /// </summary>
    public static int Run(string mode, string[] args)
    {
        var iterations = 100_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--iterations" && i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out var n) && n > 0)
                iterations = n;
            else
                return Usage();
        }

        Action operation = mode == Rs256Mode ? Rs256Operation() : Pbkdf2Operation(iterations);
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Warmup)
            operation();
        Console.WriteLine(Ready);
        while (Console.ReadLine() is { } line)
        {
            if (!double.TryParse(line, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                return Usage();
            Console.WriteLine(Measure(operation, seconds));
        }
        return 0;

        static int Usage()
        {
            Console.Error.WriteLine("usage: roster-bench rs256|pbkdf2 [--iterations N], then one number of seconds per line on stdin");
            return 2;
        }
    }

    /// <summary>Runs <paramref name="operation"/> for <paramref name="seconds"/>: `operations=… seconds=… cpu=…`.</summary>
    private static string Measure(Action operation, double seconds)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var timer = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        long count = 0;
        while (timer.Elapsed < limit)
        {
            operation();
            count++;
        }
        var elapsed = timer.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"operations={count} seconds={elapsed:0.000000} cpu={cpu:0.000000}");
    }

    private static Action Rs256Operation()
    {
        var rsa = RSA.Create(2048);
        var input = SigningInput();
        var signature = rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            throw new CryptographicException("The RS256 signature does not verify.");
        return () => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static Action Pbkdf2Operation(int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var password = Encoding.UTF8.GetBytes("quiet-lantern-river-3141");
        return () => Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, 32);
    }

    /// <summary>An ASP.NET Core Identity v3 password hash (what its PasswordHasher writes) of <paramref name="password"/>.</summary>
    public static string IdentityV3Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, 32);
        var hash = new byte[13 + salt.Length + key.Length];
        hash[0] = 0x01; // format marker v3
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(1), 2); // KeyDerivationPrf.HMACSHA512
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(5), (uint)iterations);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(9), (uint)salt.Length);
        salt.CopyTo(hash, 13);
        key.CopyTo(hash, 13 + salt.Length);
        return Convert.ToBase64String(hash);
    }

    /// <summary>
    /// A JWS signing input (base64url header, '.', base64url claims) shaped like one of Roster's access
    /// tokens: about 300 bytes. Its exact content does not matter; hashing it is a sliver of the cost.
    /// </summary>
    internal static byte[] SigningInput()
    {
        const string header = """{"alg":"RS256","kid":"q3T0Xk1fWcJw9m2Z","typ":"at+jwt"}""";
        const string claims = """{"sub":"0199a3c2-7f1e-7b3d-9a41-5c2e8f6d1b07","client_id":"bench-client","scope":"openid profile email","jti":"c2VydmVyLXNpZGUtanRp","iss":"http://127.0.0.1:5000","aud":"bench-client","iat":1795000000,"exp":1795000600}""";
        var input = Base64Url(header) + "." + Base64Url(claims);
        return Encoding.ASCII.GetBytes(input);
    }

    private static string Base64Url(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
