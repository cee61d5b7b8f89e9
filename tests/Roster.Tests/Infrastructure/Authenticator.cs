using Roster.Accounts;

namespace Roster.Tests.Infrastructure;

/// <summary>An authenticator app as tests play it: reads the key Roster shows (RFC 4648 base32) and gives the current code.</summary>
public static class Authenticator
{
    /// <summary>Decoded here rather than with Roster's own encoder, so a wrong encoding cannot cancel itself out.</summary>
    public static byte[] KeyFromBase32(string shown)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in shown.Replace(" ", "").ToUpperInvariant())
        {
            buffer = buffer << 5 | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }

    /// <summary>The code for the server's current time step; Totp.Code itself is pinned to RFC 6238's test vectors.</summary>
    public static string CodeNow(byte[] key, RosterServer server) => Totp.Code(key, Totp.StepAt(server.Clock.GetUtcNow()));
}
