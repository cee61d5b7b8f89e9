namespace Roster.OidcProvider;

/// <summary>
/// One authorization: a person let an app sign them in from one dashboard session. Holds the code (as
/// its SHA-256) and, once it is redeemed, which refresh token is current; the refresh tokens and access
/// tokens issued from it die with it.
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

    /// <summary>Which sealed refresh token of this grant works: each refresh moves it on by one, so older ones are recognised as reused.</summary>
    public int RefreshGeneration { get; set; }

    /// <summary>When the current refresh token expires; null until the code is redeemed. The grant can be deleted after it.</summary>
    public DateTime? RefreshExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>The API (RFC 8707 resource) the grant's access tokens are meant for; null for the app itself.</summary>
    public string? Resource { get; set; }

    /// <summary>
    /// An <c>offline_access</c> grant (OpenID Connect Core section 11): its refresh tokens outlive the dashboard
    /// session (sign-out, RP-initiated logout) but not disabling, deletion, a password reset or all sessions ending.
    /// </summary>
    public bool Offline { get; set; }
}

/// <summary>An access token revoked before its expiry (RFC 7009), remembered until then.</summary>
public sealed class OidcRevokedToken
{
    public string TokenId { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
}
