using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Bench;

/// <summary>What one core does with nothing but signing: signatures per wall second, and the CPU it got meanwhile.</summary>
public sealed record SigningRate(long Signatures, double Seconds, double CpuSeconds)
{
    public double PerSecond => Signatures / Seconds;

    /// <summary>Share of one core the signing process got; below 1 when something else ran on its CPU.</summary>
    public double CpuShare => CpuSeconds / Seconds;
}

/// <summary>
/// The raw RS256 ceiling: single-threaded RSA-2048 PKCS#1 v1.5 SHA-256 signatures (RFC 7518 section 3.3)
/// over a JWT-sized input, which is what minting one access token costs in cryptography. The `rs256`
/// mode runs the loop; <see cref="MeasureAsync"/> starts that mode as a child process pinned to the
/// server's CPU, so the ceiling is that core's and not the load generator's.
/// </summary>
public static class Rs256Rate
{
    public const string Mode = "rs256";

    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(1);

    /// <summary>`roster-bench rs256 --seconds N`: prints one line, `signatures=… seconds=… cpu=…`.</summary>
    public static int Run(string[] args)
    {
        var seconds = 5.0;
        if (args is ["--seconds", var value] && double.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            seconds = parsed;
        else if (args.Length != 0)
        {
            Console.Error.WriteLine("usage: roster-bench rs256 [--seconds N]");
            return 2;
        }

        using var rsa = RSA.Create(2048);
        var input = SigningInput();
        var signature = rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            throw new CryptographicException("The RS256 signature does not verify.");

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Warmup)
            rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var timer = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        long count = 0;
        while (timer.Elapsed < limit)
        {
            rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            count++;
        }
        var elapsed = timer.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signatures={count} seconds={elapsed:0.000000} cpu={cpu:0.000000}"));
        return 0;
    }

    /// <summary>Runs the `rs256` mode as a child process, pinned with taskset to <paramref name="cpus"/> when given.</summary>
    public static async Task<SigningRate> MeasureAsync(string? cpus, double seconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var host = Environment.ProcessPath ?? "dotnet";
        var command = new List<string>();
        if (cpus is not null)
            command.AddRange(["taskset", "-c", cpus]);
        command.Add(host);
        // Started as `dotnet roster-bench.dll` the host needs the assembly; started through the apphost it does not.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            command.Add(Assembly.GetEntryAssembly()!.Location);
        command.AddRange([Mode, "--seconds", seconds.ToString(CultureInfo.InvariantCulture)]);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the rs256 measurement.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        var line = (await output).Trim();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The rs256 measurement exited with {process.ExitCode}: {await errors}{line}");
        var fields = line.Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
        return new SigningRate((long)fields["signatures"], fields["seconds"], fields["cpu"]);
    }

    /// <summary>
    /// A JWS signing input (base64url header, '.', base64url claims) shaped like one of Roster's access
    /// tokens: about 300 bytes. Its exact content does not matter; hashing it is a sliver of the cost.
    /// </summary>
    private static byte[] SigningInput()
    {
        const string header = """{"alg":"RS256","kid":"q3T0Xk1fWcJw9m2Z","typ":"at+jwt"}""";
        const string claims = """{"sub":"0199a3c2-7f1e-7b3d-9a41-5c2e8f6d1b07","client_id":"bench-client","scope":"openid profile email","jti":"c2VydmVyLXNpZGUtanRp","iss":"http://127.0.0.1:5000","aud":"bench-client","iat":1795000000,"exp":1795000600}""";
        var input = Base64Url(header) + "." + Base64Url(claims);
        return Encoding.ASCII.GetBytes(input);
    }

    private static string Base64Url(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
