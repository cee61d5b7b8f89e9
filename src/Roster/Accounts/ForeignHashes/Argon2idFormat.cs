using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Konscious.Security.Cryptography;

namespace Roster.Accounts.ForeignHashes;

/// <summary>argon2id in the PHC string format (RFC 9106 section 3, the reference implementation's encoding): <c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>.</summary>
internal sealed partial class Argon2idFormat : IForeignHashFormat
{
    public string Name => "argon2id";

    public bool Claims(string hash) => hash.StartsWith("$argon2", StringComparison.Ordinal);

    public string? Problem(string hash) => Parse(hash).Problem;

    public bool Verify(string hash, string password)
    {
        if (Parse(hash).Hash is not { } parsed)
            return false;
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = parsed.Salt,
            MemorySize = parsed.MemoryKib,
            Iterations = parsed.Iterations,
            DegreeOfParallelism = parsed.Parallelism,
        };
        return CryptographicOperations.FixedTimeEquals(argon.GetBytes(parsed.Digest.Length), parsed.Digest);
    }

    private sealed record Parsed(int MemoryKib, int Iterations, int Parallelism, byte[] Salt, byte[] Digest);

    private static (Parsed? Hash, string? Problem) Parse(string hash)
    {
        var match = Shape().Match(hash);
        if (!match.Success)
            return (null, "expected $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (argon2i and argon2d are not supported).");
        if (!Encodings.IsDecimal(match.Groups["m"].Value, HashLimits.MaxArgon2MemoryKib, out var memory))
            return (null, $"the memory m must be at most {HashLimits.MaxArgon2MemoryKib} KiB.");
        if (!Encodings.IsDecimal(match.Groups["t"].Value, HashLimits.MaxArgon2Iterations, out var iterations))
            return (null, $"the passes t must be from 1 to {HashLimits.MaxArgon2Iterations}.");
        if (!Encodings.IsDecimal(match.Groups["p"].Value, HashLimits.MaxArgon2Parallelism, out var lanes))
            return (null, $"the lanes p must be from 1 to {HashLimits.MaxArgon2Parallelism}.");
        if (memory < 8 * lanes)
            return (null, "the memory m must be at least 8 KiB per lane.");
        var salt = Encodings.Base64(match.Groups["salt"].Value);
        var digest = Encodings.Base64(match.Groups["hash"].Value);
        if (salt is null || salt.Length is < 8 or > HashLimits.MaxSaltBytes)
            return (null, "the salt is not valid.");
        if (digest is null || digest.Length is < HashLimits.MinDigestBytes or > HashLimits.MaxDigestBytes)
            return (null, "the digest is not valid.");
        return (new(memory, iterations, lanes, salt, digest), null);
    }

    [GeneratedRegex(@"^\$argon2id\$v=19\$m=(?<m>[0-9]+),t=(?<t>[0-9]+),p=(?<p>[0-9]+)\$(?<salt>[A-Za-z0-9+/]+)\$(?<hash>[A-Za-z0-9+/]+)$")]
    private static partial Regex Shape();
}
