namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// The highest costs an imported hash may ask for. A sign-in attempt, even a wrong one, pays the hash's cost, so a hash
/// with an absurd cost is a way to tie up the server; these bounds sit well above what any real deployment uses
/// (OWASP 2023: PBKDF2-SHA256 600,000, PBKDF2-SHA1 1,300,000, argon2id 19 MiB to 46 MiB, bcrypt 10 to 12).
/// </summary>
public static class HashLimits
{
    public const int MaxPbkdf2Iterations = 5_000_000;
    public const int MaxBcryptCost = 16;

    /// <summary>Argon2 memory in KiB: 256 MiB.</summary>
    public const int MaxArgon2MemoryKib = 262_144;
    public const int MaxArgon2Iterations = 16;
    public const int MaxArgon2Parallelism = 16;

    /// <summary>A hash shorter than this could be guessed from its own bytes; one longer is no more secure.</summary>
    public const int MinDigestBytes = 16;
    public const int MaxDigestBytes = 128;
    public const int MaxSaltBytes = 256;
}
