using System.Buffers.Binary;

namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// ASP.NET Identity's own formats, which Roster's hasher reads natively: v2 (0x00, PBKDF2-SHA1, 1,000 iterations) and v3
/// (0x01, PRF, iteration count, salt length, salt, digest). Checked before import so a truncated or absurd one is refused.
/// </summary>
internal static class IdentityHash
{
    public static string? Problem(string hash)
    {
        var bytes = Encodings.Base64(hash);
        if (bytes is null || bytes.Length == 0)
            return "the password hash is in no format Roster knows (ASP.NET Identity v2/v3, bcrypt, PBKDF2, {SSHA}, argon2id).";
        if (bytes[0] == 0x00)
            return bytes.Length == 1 + 16 + 32 ? null : "ASP.NET Identity v2: the hash has the wrong length.";
        if (bytes[0] != 0x01 || bytes.Length < 13)
            return "the password hash is in no format Roster knows (ASP.NET Identity v2/v3, bcrypt, PBKDF2, {SSHA}, argon2id).";
        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        if (prf > 2)
            return "ASP.NET Identity v3: unknown PRF.";
        if (iterations is 0 or > HashLimits.MaxPbkdf2Iterations)
            return $"ASP.NET Identity v3: the iteration count must be from 1 to {HashLimits.MaxPbkdf2Iterations:N0}.";
        if (saltLength < 16 || saltLength > HashLimits.MaxSaltBytes || bytes.Length - 13 - (int)saltLength < HashLimits.MinDigestBytes)
            return "ASP.NET Identity v3: the salt or digest has the wrong length.";
        return null;
    }
}
