using System.Security.Cryptography;

namespace Roster.Accounts.ForeignHashes;

/// <summary>A PBKDF2 hash taken apart: the same check whichever encoding carried it.</summary>
internal sealed record Pbkdf2Hash(HashAlgorithmName Algorithm, int Iterations, byte[] Salt, byte[] Digest)
{
    public static HashAlgorithmName? AlgorithmNamed(string name) => name.ToLowerInvariant() switch
    {
        "sha1" or "" => HashAlgorithmName.SHA1,
        "sha256" => HashAlgorithmName.SHA256,
        "sha512" => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>Builds the parts, or says which one is wrong.</summary>
    public static (Pbkdf2Hash? Hash, string? Problem) From(HashAlgorithmName algorithm, string iterations, byte[]? salt, byte[]? digest)
    {
        if (!Encodings.IsDecimal(iterations, HashLimits.MaxPbkdf2Iterations, out var rounds))
            return (null, $"the iteration count must be a number from 1 to {HashLimits.MaxPbkdf2Iterations:N0}.");
        if (salt is null || salt.Length > HashLimits.MaxSaltBytes)
            return (null, "the salt is not valid.");
        if (digest is null || digest.Length is < HashLimits.MinDigestBytes or > HashLimits.MaxDigestBytes)
            return (null, "the digest is not valid.");
        return (new(algorithm, rounds, salt, digest), null);
    }

    public bool Verify(string password)
    {
        var actual = Rfc2898DeriveBytes.Pbkdf2(System.Text.Encoding.UTF8.GetBytes(password), Salt, Iterations, Algorithm, Digest.Length);
        return CryptographicOperations.FixedTimeEquals(actual, Digest);
    }
}
