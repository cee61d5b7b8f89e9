using System.Security.Cryptography;
using System.Text;

namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// The LDAP userPassword schemes of RFC 2307 and OpenLDAP's pw-sha2: <c>{SSHA}</c>, <c>{SSHA256}</c>, <c>{SSHA512}</c>
/// (base64 of digest(password + salt) followed by the salt) and their unsalted <c>{SHA}</c>, <c>{SHA256}</c>, <c>{SHA512}</c>.
/// Weak by today's measure, which is why the first sign-in replaces them.
/// </summary>
internal sealed class SaltedShaFormat : IForeignHashFormat
{
    public string Name => "salted SHA (LDAP)";

    private static readonly Dictionary<string, (Func<byte[], byte[]> Digest, int Length, bool Salted)> Schemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["{SSHA}"] = (SHA1.HashData, 20, true),
        ["{SSHA256}"] = (SHA256.HashData, 32, true),
        ["{SSHA512}"] = (SHA512.HashData, 64, true),
        ["{SHA}"] = (SHA1.HashData, 20, false),
        ["{SHA256}"] = (SHA256.HashData, 32, false),
        ["{SHA512}"] = (SHA512.HashData, 64, false),
    };

    public bool Claims(string hash) => Scheme(hash) is not null;

    public string? Problem(string hash) => Parse(hash) is null ? "the value after the scheme is not base64 of a digest and salt." : null;

    public bool Verify(string hash, string password)
    {
        if (Parse(hash) is not var (digest, expected, salt))
            return false;
        var actual = digest([.. Encoding.UTF8.GetBytes(password), .. salt]);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string? Scheme(string hash)
    {
        var close = hash.IndexOf('}', StringComparison.Ordinal);
        return hash.StartsWith('{') && close > 0 && Schemes.ContainsKey(hash[..(close + 1)]) ? hash[..(close + 1)] : null;
    }

    private static (Func<byte[], byte[]> Digest, byte[] Expected, byte[] Salt)? Parse(string hash)
    {
        if (Scheme(hash) is not { } scheme)
            return null;
        var (digest, length, salted) = Schemes[scheme];
        var bytes = Encodings.Base64(hash[scheme.Length..]);
        if (bytes is null || (salted ? bytes.Length <= length || bytes.Length > length + HashLimits.MaxSaltBytes : bytes.Length != length))
            return null;
        return (digest, bytes[..length], bytes[length..]);
    }
}
