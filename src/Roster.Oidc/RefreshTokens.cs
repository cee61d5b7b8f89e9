using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Roster.Oidc;

/// <summary>
/// What a refresh token says: its grant, which of the grant's refresh tokens it is, until when it works, and
/// what an access token for the grant names (the person, their session, when they signed in, the scope granted).
/// Those never change for a grant, so a refresh reads them here instead of from the store.
/// </summary>
public sealed record RefreshTokenContent(Guid GrantId, int Generation, DateTimeOffset ExpiresAt, string Subject, string SessionId, DateTimeOffset AuthTime, string Scope,
    string? Resource = null)
{
    public static RefreshTokenContent For(Grant grant, DateTimeOffset expiresAt) =>
        new(grant.Id, Generation: 0, expiresAt, grant.Subject, grant.SessionId, grant.AuthTime, grant.Scope, grant.Resource);

    /// <summary>The grant as the token names it, for <paramref name="clientId"/>; no nonce, which only an ID token carries.</summary>
    public Grant Grant(string clientId) => new(GrantId, clientId, Subject, SessionId, Scope, AuthTime, Nonce: null, Resource);
}

/// <summary>
/// Where the key that seals refresh tokens lives: shared by every instance and created once, so a token
/// sealed by one instance opens on another. The host keeps it encrypted at rest.
/// </summary>
public interface IRefreshTokenKeyStore
{
    Task<byte[]> GetOrCreateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Refresh tokens are sealed, not stored: the content carries an HMAC-SHA256 under a 256-bit key only
/// Roster holds, so no one else can make or alter one, and the store keeps just each grant's current
/// generation. Rotation is then one conditional update of the grant (generation n to n + 1): of two
/// requests racing with one token exactly one wins, and a token of an earlier generation is one that was
/// already used, which revokes the grant (RFC 9700 section 4.14.2). The content is not secret (the access
/// token names the same grant, person, session and scope), so it is authenticated, not encrypted, which
/// keeps a refresh to one HMAC per token instead of a data-protection round per token. Version 2 added the
/// person, session and sign-in time, so the rotation need not read the grant back; a version 1 token is
/// refused like any other unknown one, and its app signs the person in again. Version 3 adds the API the grant's
/// access tokens are for (RFC 8707); a version 2 token still opens, as one for the app itself.
/// </summary>
public sealed class RefreshTokens(IRefreshTokenKeyStore keys)
{
    private const byte Version = 3;
    private const byte VersionWithoutResource = 2;
    private const int MaxTokenLength = 2048;
    private const int MacLength = 32;

    /// <summary>
    /// One HMAC per thread, keyed once: a one-shot HMAC looks the algorithm up in OpenSSL on every call, which
    /// costs about twice the MAC itself (measured 3 against 1.1 µs for a token). Null until the key is loaded.
    /// </summary>
    private ThreadLocal<HMACSHA256>? macs;

    public async Task<string> SealAsync(RefreshTokenContent content, CancellationToken cancellationToken)
    {
        var mac = await MacAsync(cancellationToken);
        var buffer = new MemoryStream(256);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(content.GrantId.ToByteArray());
            writer.Write(content.Generation);
            writer.Write(content.ExpiresAt.ToUnixTimeSeconds());
            writer.Write(content.Subject);
            writer.Write(content.SessionId);
            writer.Write(content.AuthTime.ToUnixTimeSeconds());
            writer.Write(content.Scope);
            writer.Write(content.Resource ?? "");
        }
        var sealedLength = (int)buffer.Length;
        buffer.SetLength(sealedLength + MacLength);
        var token = buffer.GetBuffer().AsSpan(0, sealedLength + MacLength);
        mac.TryComputeHash(token[..sealedLength], token[sealedLength..], out _);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The content of a token Roster sealed; null for anything else (forged, altered, truncated, sealed with another key, or of another version).</summary>
    public async Task<RefreshTokenContent?> OpenAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength)
            return null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length <= MacLength || bytes[0] is not (Version or VersionWithoutResource))
            return null;
        return Verifies(await MacAsync(cancellationToken), bytes) ? Read(bytes) : null;
    }

    private static bool Verifies(HMACSHA256 mac, byte[] bytes)
    {
        Span<byte> expected = stackalloc byte[MacLength];
        mac.TryComputeHash(bytes.AsSpan(0, bytes.Length - MacLength), expected, out _);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength));
    }

    /// <summary>Reads what <see cref="SealAsync"/> wrote; the MAC has shown Roster wrote it, in this version.</summary>
    private static RefreshTokenContent Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, 1, bytes.Length - 1 - MacLength), Encoding.UTF8);
        return new(
            GrantId: new Guid(reader.ReadBytes(16)),
            Generation: reader.ReadInt32(),
            ExpiresAt: DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64()),
            Subject: reader.ReadString(),
            SessionId: reader.ReadString(),
            AuthTime: DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64()),
            Scope: reader.ReadString(),
            Resource: bytes[0] == Version && reader.ReadString() is { Length: > 0 } resource ? resource : null);
    }

    private async ValueTask<HMACSHA256> MacAsync(CancellationToken cancellationToken)
    {
        if (macs is null)
        {
            var key = await keys.GetOrCreateAsync(cancellationToken);
            macs = new ThreadLocal<HMACSHA256>(() => new HMACSHA256(key));
        }
        return macs.Value!;
    }
}
