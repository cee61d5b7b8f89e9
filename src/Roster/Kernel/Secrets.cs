using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Kernel;

/// <summary>
/// The one way Roster makes and keeps bearer secrets (reset and invitation links, API tokens, client
/// secrets): 256 random bits, URL-safe, and only their SHA-256 stored. A fast hash is right here: the
/// secrets are random, so there is nothing for a slow hash to protect against guessing.
/// </summary>
public static class Secrets
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
