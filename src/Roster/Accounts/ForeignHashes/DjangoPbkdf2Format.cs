namespace Roster.Accounts.ForeignHashes;

/// <summary>Django's <c>pbkdf2_sha256$iterations$salt$digest</c> (and <c>pbkdf2_sha1</c>): the salt is text, the digest standard base64.</summary>
internal sealed class DjangoPbkdf2Format : IForeignHashFormat
{
    public string Name => "PBKDF2 (Django)";

    public bool Claims(string hash) => hash.StartsWith("pbkdf2_", StringComparison.Ordinal);

    public string? Problem(string hash) => Parse(hash).Problem;

    public bool Verify(string hash, string password) => Parse(hash).Hash?.Verify(password) == true;

    private static (Pbkdf2Hash? Hash, string? Problem) Parse(string hash)
    {
        var parts = hash.Split('$');
        if (parts.Length != 4)
            return (null, "expected pbkdf2_sha256$<iterations>$<salt>$<hash>.");
        if (parts[0] is not ("pbkdf2_sha1" or "pbkdf2_sha256") || Pbkdf2Hash.AlgorithmNamed(parts[0]["pbkdf2_".Length..]) is not { } algorithm)
            return (null, $"the algorithm \"{parts[0]}\" is not pbkdf2_sha256 or pbkdf2_sha1.");
        var salt = parts[2].Length is > 0 and <= HashLimits.MaxSaltBytes && parts[2].All(char.IsAscii) ? System.Text.Encoding.ASCII.GetBytes(parts[2]) : null;
        return Pbkdf2Hash.From(algorithm, parts[1], salt, Encodings.Base64(parts[3]));
    }
}
