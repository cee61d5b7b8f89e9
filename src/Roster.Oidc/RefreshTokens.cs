using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Roster.Oidc;

/// <summary>What a refresh token says: its grant, which of the grant's refresh tokens it is, the scope granted, and until when it works.</summary>
public sealed record RefreshTokenContent(Guid GrantId, int Generation, string Scope, DateTimeOffset ExpiresAt);

/// <summary>
/// Refresh tokens are sealed, not stored: the content is encrypted and authenticated with the
/// data-protection key ring (shared by every instance), so only Roster can make one and the store keeps
/// just each grant's current generation. Rotation then is one conditional update of the grant
/// (generation n to n + 1): of two requests racing with one token exactly one wins, and a token of an
/// earlier generation is one that was already used, which revokes the grant (RFC 9700 section 4.14.2).
/// </summary>
public sealed class RefreshTokens(IDataProtectionProvider dataProtection)
{
    private const int MaxTokenLength = 2048;
    private const int FixedLength = 16 + sizeof(int) + sizeof(long);

    private readonly IDataProtector protector = dataProtection.CreateProtector("Roster.Oidc.RefreshToken.v1");

    public string Seal(RefreshTokenContent content)
    {
        var scope = Encoding.UTF8.GetBytes(content.Scope);
        var plain = new byte[FixedLength + scope.Length];
        content.GrantId.TryWriteBytes(plain);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16), content.Generation);
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(20), content.ExpiresAt.ToUnixTimeSeconds());
        scope.CopyTo(plain, FixedLength);
        return Base64Url.EncodeToString(protector.Protect(plain));
    }

    /// <summary>The content of a token Roster sealed; null for anything else (forged, altered, truncated, or from another key ring).</summary>
    public RefreshTokenContent? Open(string token)
    {
        if (token.Length > MaxTokenLength)
            return null;
        byte[] plain;
        try
        {
            plain = protector.Unprotect(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
        if (plain.Length < FixedLength)
            return null;
        return new RefreshTokenContent(
            new Guid(plain.AsSpan(0, 16)),
            BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(16)),
            Encoding.UTF8.GetString(plain.AsSpan(FixedLength)),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(20))));
    }
}
