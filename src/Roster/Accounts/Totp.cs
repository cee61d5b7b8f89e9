using System.Security.Cryptography;

namespace Roster.Accounts;

/// <summary>
/// Time-based one-time passwords, RFC 6238 on RFC 4226: HMAC-SHA1, 30-second steps, 6 digits, the
/// parameters every authenticator app uses. Keys travel as RFC 4648 base32.
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(20);

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / (long)Step.TotalSeconds;

    /// <summary>RFC 4226 section 5.3: dynamic truncation of the HMAC of the step counter.</summary>
    public static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = (hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step <paramref name="code"/> belongs to, allowing one step of clock drift either way (RFC 6238
    /// section 5.2), but never a step at or before <paramref name="lastUsedStep"/>: a code works once.
    /// </summary>
    public static long? Match(byte[] key, string code, DateTimeOffset now, long lastUsedStep)
    {
        var current = StepAt(now);
        for (var step = current - 1; step <= current + 1; step++)
            if (step > lastUsedStep && CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(Code(key, step)), System.Text.Encoding.ASCII.GetBytes(code)))
                return step;
        return null;
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string ToBase32(byte[] data)
    {
        var output = new System.Text.StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = buffer << 8 | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(Alphabet[buffer >> (bits - 5) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            output.Append(Alphabet[buffer << (5 - bits) & 31]);
        return output.ToString();
    }

    /// <summary>The key as authenticator apps take it: otpauth://totp/ with issuer and account (Key Uri Format).</summary>
    public static string Uri(string issuer, string account, byte[] key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}?secret={ToBase32(key)}&issuer={System.Uri.EscapeDataString(issuer)}&digits={Digits}&period={(int)Step.TotalSeconds}";
}
