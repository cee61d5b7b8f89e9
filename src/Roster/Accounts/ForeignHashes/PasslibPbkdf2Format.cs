namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// passlib's <c>$pbkdf2$rounds$salt$digest</c> (SHA-1), <c>$pbkdf2-sha256$…</c> and <c>$pbkdf2-sha512$…</c>, salt and
/// digest in passlib's adapted base64.
/// </summary>
internal sealed class PasslibPbkdf2Format : IForeignHashFormat
{
    public string Name => "PBKDF2 (passlib)";

    public bool Claims(string hash) => hash.StartsWith("$pbkdf2$", StringComparison.Ordinal) || hash.StartsWith("$pbkdf2-", StringComparison.Ordinal);

    public string? Problem(string hash) => Parse(hash).Problem;

    public bool Verify(string hash, string password) => Parse(hash).Hash?.Verify(password) == true;

    private static (Pbkdf2Hash? Hash, string? Problem) Parse(string hash)
    {
        var parts = hash.Split('$');
        if (parts.Length != 5 || parts[0] != "")
            return (null, "expected $pbkdf2-<digest>$<rounds>$<salt>$<hash>.");
        var digest = parts[1] == "pbkdf2" ? "sha1" : parts[1].StartsWith("pbkdf2-", StringComparison.Ordinal) ? parts[1]["pbkdf2-".Length..] : "?";
        if (digest == "" || Pbkdf2Hash.AlgorithmNamed(digest) is not { } algorithm)
            return (null, $"the digest \"{parts[1]}\" is not pbkdf2, pbkdf2-sha256 or pbkdf2-sha512.");
        return Pbkdf2Hash.From(algorithm, parts[2], Encodings.AdaptedBase64(parts[3]), Encodings.AdaptedBase64(parts[4]));
    }
}
