using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Oidc;

/// <summary>Proof Key for Code Exchange, RFC 7636, with the S256 method only: "plain" protects nothing against a stolen request.</summary>
public static class Pkce
{
    public const string S256 = "S256";

    /// <summary>Section 4.2: a challenge is the base64url SHA-256 of the verifier, 43 characters.</summary>
    public static bool IsChallenge(string value) => value.Length == 43 && value.All(IsUnreserved);

    /// <summary>Section 4.1: a verifier is 43 to 128 unreserved characters.</summary>
    public static bool IsVerifier(string value) => value.Length is >= 43 and <= 128 && value.All(IsUnreserved);

    /// <summary>Section 4.6: BASE64URL(SHA256(verifier)) equals the challenge, compared in constant time.</summary>
    public static bool Verifies(string verifier, string challenge) =>
        IsVerifier(verifier) && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            Encoding.ASCII.GetBytes(challenge));

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
