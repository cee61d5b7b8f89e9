using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Accounts;

/// <summary>A checked OpenSSH public key line: "type base64 [comment]", as in a .pub file.</summary>
public sealed record SshPublicKeyLine(string Type, string PublicKey, string Comment, string Fingerprint, int Bits)
{
    /// <summary>Far above the longest key OpenSSH makes (RSA at 16,384 bits is about 2,800 characters); longer input is not read.</summary>
    public const int MaxLineLength = 8192;
    public const int MaxBlobLength = 4096;
    public const int MaxCommentLength = 200;
    public const int MinRsaBits = 2048;
    public const int MaxRsaBits = 16384;

    private const string Field = "PublicKey";

    /// <summary>The key types Roster accepts: those OpenSSH makes today, without DSA (removed from OpenSSH) and certificates.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    public string Line => Comment.Length == 0 ? $"{Type} {PublicKey}" : $"{Type} {PublicKey} {Comment}";

    /// <summary>True when the text looks like a private key, which must not be kept, shown again or stored.</summary>
    public static bool LooksPrivate(string? text) => text is not null && text.Contains("PRIVATE KEY", StringComparison.Ordinal);

    public static Result<SshPublicKeyLine> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Invalid("ssh_key.required", "Paste a public key: the one line of your .pub file, e.g. ~/.ssh/id_ed25519.pub.");
        if (text.Length > MaxLineLength)
            return Invalid("ssh_key.too_long", $"A public key line has at most {MaxLineLength:N0} characters; this text has {text.Length:N0}. Paste the one line of your .pub file.");
        if (LooksPrivate(text))
            return Invalid("ssh_key.private", "That is a private key: keep it secret, on your computer only. Paste the public key instead (the .pub file).");
        if (text.Contains("BEGIN SSH2 PUBLIC KEY", StringComparison.Ordinal))
            return Invalid("ssh_key.format", "That key is in the RFC 4716 format. Convert it with: ssh-keygen -i -f key.pub");
        var line = text.Trim();
        if (line.Any(c => c is '\r' or '\n'))
            return Invalid("ssh_key.lines", "Paste one key, on one line.");
        if (line.Any(c => char.IsControl(c) && c != '\t'))
            return Invalid("ssh_key.invalid", "The key contains control characters. Paste the one line of your .pub file.");

        var parts = line.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        var type = parts[0];
        if (!Types.Contains(type, StringComparer.Ordinal))
            return type switch
            {
                "ssh-dss" => Invalid("ssh_key.type", "DSA keys are no longer accepted by OpenSSH. Make an Ed25519 key with: ssh-keygen -t ed25519"),
                _ when type.Contains('=') || type.Contains(',') || type.Contains('"') =>
                    Invalid("ssh_key.options", "Paste the public key only, without authorized_keys options such as from= or command=."),
                _ when type.Contains("-cert-", StringComparison.Ordinal) => Invalid("ssh_key.type", "Certificates are not accepted; paste the plain public key."),
                _ => Invalid("ssh_key.type", $"The key must start with its type, one of {string.Join(", ", Types)}."),
            };
        if (parts.Length < 2)
            return Invalid("ssh_key.invalid", "The key type must be followed by the key itself (base64).");
        var encoded = parts[1];
        if (encoded.Length > MaxBlobLength)
            return Invalid("ssh_key.too_long", $"The key itself has at most {MaxBlobLength:N0} characters of base64.");
        var blob = new byte[encoded.Length];
        // Strict base64: the decoded bytes must encode back to the very same text (no stray bits, no missing padding).
        if (!Convert.TryFromBase64String(encoded, blob, out var length) || Convert.ToBase64String(blob, 0, length) != encoded)
            return Invalid("ssh_key.invalid", "The key is not valid base64. Copy the whole line of the .pub file again.");
        blob = blob[..length];
        if (Describe(type, blob) is not { } bits)
            return Invalid("ssh_key.invalid", $"The key data is not a valid {type} key (its inner type or structure does not match).");
        if (type == "ssh-rsa" && bits is < MinRsaBits or > MaxRsaBits)
            return Invalid("ssh_key.weak", $"RSA keys need {MinRsaBits} to {MaxRsaBits} bits; this one has {bits}. Make an Ed25519 key with: ssh-keygen -t ed25519");

        var comment = parts.Length > 2 ? parts[2].Trim() : "";
        if (comment.Length > MaxCommentLength)
            return Invalid("ssh_key.comment", $"The comment after the key has at most {MaxCommentLength} characters; this one has {comment.Length}.");
        // Printable ASCII, as ssh-keygen writes (user@host): LDAP tools then print the line as it is, never as base64.
        if (comment.Any(c => c is < ' ' or > '~'))
            return Invalid("ssh_key.comment", "The comment after the key may hold only printable ASCII characters (letters, digits, spaces and punctuation), e.g. ada@laptop.");
        return Result<SshPublicKeyLine>.Ok(new SshPublicKeyLine(type, encoded, comment, FingerprintOf(blob), bits));
    }

    /// <summary>SHA256:… of the key blob, base64 without padding, exactly as <c>ssh-keygen -l</c> prints it.</summary>
    public static string FingerprintOf(byte[] blob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>
    /// The key's size in bits when the blob is a well-formed key of <paramref name="type"/> (RFC 4253 6.6, RFC 5656 3.1,
    /// RFC 8709 4, OpenSSH's PROTOCOL.u2f): its inner type names the same type, each field is there, and nothing follows.
    /// </summary>
    private static int? Describe(string type, byte[] blob)
    {
        var reader = new Reader(blob);
        if (reader.Text() != type)
            return null;
        int? bits = type switch
        {
            "ssh-ed25519" => reader.Bytes() is { Length: 32 } ? 256 : null,
            "sk-ssh-ed25519@openssh.com" => reader.Bytes() is { Length: 32 } && reader.Bytes() is { Length: > 0 } ? 256 : null,
            "ssh-rsa" => Rsa(reader),
            "sk-ecdsa-sha2-nistp256@openssh.com" => Ecdsa(reader, "nistp256") is { } size && reader.Bytes() is { Length: > 0 } ? size : null,
            _ => Ecdsa(reader, type["ecdsa-sha2-".Length..]),
        };
        return reader.AtEnd ? bits : null;
    }

    private static int? Rsa(Reader reader)
    {
        var exponent = reader.Bytes();
        var modulus = reader.Bytes();
        if (exponent is not { Length: > 0 and <= 8 } || modulus is not { Length: > 0 } || (exponent[0] & 0x80) != 0 || (modulus[0] & 0x80) != 0)
            return null;
        var e = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        var n = new BigInteger(modulus, isUnsigned: true, isBigEndian: true);
        return e >= 3 && !e.IsEven && !n.IsEven ? (int)n.GetBitLength() : null;
    }

    /// <summary>The curve must be the one the type names, and the point an uncompressed point on it (checked by importing it).</summary>
    private static int? Ecdsa(Reader reader, string curveName)
    {
        var (curve, size) = curveName switch
        {
            "nistp256" => (ECCurve.NamedCurves.nistP256, 32),
            "nistp384" => (ECCurve.NamedCurves.nistP384, 48),
            "nistp521" => (ECCurve.NamedCurves.nistP521, 66),
            _ => (default(ECCurve), 0),
        };
        if (size == 0 || reader.Text() != curveName || reader.Bytes() is not { } point || point.Length != 1 + 2 * size || point[0] != 4)
            return null;
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] } });
            return curveName == "nistp521" ? 521 : size * 8;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static Result<SshPublicKeyLine> Invalid(string code, string message) => new Error(code, message, Field);

    /// <summary>RFC 4251 5 "string" fields: a 32-bit big-endian length, then that many bytes.</summary>
    private sealed class Reader(byte[] data)
    {
        private int offset;

        public bool AtEnd => offset == data.Length;

        public byte[]? Bytes()
        {
            if (data.Length - offset < 4)
                return null;
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            if (length > data.Length - offset - 4)
                return null;
            var value = data[(offset + 4)..(offset + 4 + (int)length)];
            offset += 4 + (int)length;
            return value;
        }

        public string? Text() => Bytes() is { } bytes ? Encoding.ASCII.GetString(bytes) : null;
    }
}
