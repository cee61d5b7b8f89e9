namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// One password hash format another system wrote (PRODUCT.md section 11): recognised by its prefix, checked for sane
/// cost parameters before it is stored, and verified in its own format at sign-in until the person's first successful
/// sign-in replaces it with Roster's own.
/// </summary>
public interface IForeignHashFormat
{
    /// <summary>A short name for reports: "bcrypt", "pbkdf2-sha256 (passlib)".</summary>
    string Name { get; }

    /// <summary>Whether the stored text is in this format at all (its prefix); the text may still be malformed.</summary>
    bool Claims(string hash);

    /// <summary>Why the hash cannot be used (malformed, or a cost that would let one sign-in attempt tie up the server); null when it can.</summary>
    string? Problem(string hash);

    /// <summary>Whether the password matches; false for a hash with a <see cref="Problem"/>.</summary>
    bool Verify(string hash, string password);
}

/// <summary>The formats Roster reads, and what an import may store in a person's password hash.</summary>
public static class ForeignHash
{
    public static readonly IReadOnlyList<IForeignHashFormat> Formats =
    [
        new BcryptFormat(),
        new PasslibPbkdf2Format(),
        new LdapPbkdf2Format(),
        new DjangoPbkdf2Format(),
        new SaltedShaFormat(),
        new Argon2idFormat(),
    ];

    /// <summary>The foreign format that claims this hash, or null for Roster's own (ASP.NET Identity) or an unknown one.</summary>
    public static IForeignHashFormat? Find(string hash) => Formats.FirstOrDefault(f => f.Claims(hash));

    /// <summary>
    /// Why a hash cannot be imported: unknown formats and bad cost parameters are refused here, so nothing unusable is
    /// ever stored. ASP.NET Identity's own v2 and v3 hashes pass through as they are.
    /// </summary>
    public static string? ProblemForImport(string hash)
    {
        if (hash.Length > MaxLength)
            return $"The password hash is longer than {MaxLength} characters.";
        if (Find(hash) is { } format)
            return format.Problem(hash) is { } problem ? $"{format.Name}: {problem}" : null;
        return IdentityHash.Problem(hash);
    }

    public const int MaxLength = 1024;
}
