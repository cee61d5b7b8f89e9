namespace Roster.Oidc;

/// <summary>
/// One authorization: a person let an app sign them in from one dashboard session. Holds the code (as
/// its SHA-256) until redeemed; the refresh tokens and access tokens issued from it die with it.
/// </summary>
public sealed class OidcGrant
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }

    /// <summary>The app's client id, fixed at registration, kept here so token checks need no join.</summary>
    public string ClientId { get; set; } = "";
    public Guid UserId { get; set; }

    /// <summary>The dashboard session's <c>sid</c>: signing out of it ends this grant and tells the app.</summary>
    public string SessionId { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? Nonce { get; set; }
    public DateTime AuthTime { get; set; }
    public string CodeHash { get; set; } = "";
    public string RedirectUri { get; set; } = "";
    public string? CodeChallenge { get; set; }
    public DateTime CodeExpiresAt { get; set; }
    public DateTime? CodeRedeemedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A refresh token, as its SHA-256. A used one is kept until it expires, so presenting it again is recognised as theft.</summary>
public sealed class OidcRefreshToken
{
    public string TokenHash { get; set; } = "";
    public Guid GrantId { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

/// <summary>An access token revoked before its expiry (RFC 7009), remembered until then.</summary>
public sealed class OidcRevokedToken
{
    public string TokenId { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}
