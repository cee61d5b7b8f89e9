namespace Roster.Accounts.ForeignHashes;

/// <summary>
/// The LDAP userPassword schemes <c>{PBKDF2}</c> (SHA-1), <c>{PBKDF2-SHA256}</c> and <c>{PBKDF2-SHA512}</c> as OpenLDAP's
/// pw-pbkdf2 module, 389-ds 2.x and passlib's ldap_pbkdf2_* write them: <c>{SCHEME}rounds$salt$digest</c> in adapted base64.
/// </summary>
internal sealed class LdapPbkdf2Format : IForeignHashFormat
{
    public string Name => "PBKDF2 (LDAP)";

    public bool Claims(string hash) => hash.StartsWith("{PBKDF2}", StringComparison.OrdinalIgnoreCase) || hash.StartsWith("{PBKDF2-", StringComparison.OrdinalIgnoreCase);

    public string? Problem(string hash) => Parse(hash).Problem;

    public bool Verify(string hash, string password) => Parse(hash).Hash?.Verify(password) == true;

    private static (Pbkdf2Hash? Hash, string? Problem) Parse(string hash)
    {
        var close = hash.IndexOf('}', StringComparison.Ordinal);
        var scheme = hash[1..close];
        var digest = scheme.Length == "PBKDF2".Length ? "sha1" : scheme["PBKDF2-".Length..];
        if (digest == "" || Pbkdf2Hash.AlgorithmNamed(digest) is not { } algorithm)
            return (null, $"the scheme {{{scheme}}} is not PBKDF2, PBKDF2-SHA256 or PBKDF2-SHA512.");
        var parts = hash[(close + 1)..].Split('$');
        if (parts.Length != 3)
            return (null, $"expected {{{scheme}}}<rounds>$<salt>$<hash>.");
        return Pbkdf2Hash.From(algorithm, parts[0], Encodings.AdaptedBase64(parts[1]), Encodings.AdaptedBase64(parts[2]));
    }
}
