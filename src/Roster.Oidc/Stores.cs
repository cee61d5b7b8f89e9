using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// A registered relying party. A confidential client proves itself with its secret; a public one
/// (no secret) cannot keep one, so it must use PKCE. <see cref="ApiScopes"/> are the only scopes it may
/// give itself with client credentials, in the order its administrator listed them. <see cref="RequirePkce"/> makes a
/// confidential client use PKCE too (RFC 9700 section 2.1.1). <see cref="OfflineAccess"/>: it
/// may ask for <c>offline_access</c>; <see cref="AlwaysIssueRefreshTokens"/>: it gets session-bound refresh tokens
/// without asking. A <see cref="ResourceIdentifier"/> makes it no app but an API, which may only introspect.
/// </summary>
public sealed record OidcClient(
    string ClientId,
    string Name,
    bool IsConfidential,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    string? BackChannelLogoutUri,
    string SigningAlgorithm,
    IReadOnlyList<string> ApiScopes,
    bool RequirePkce = false,
    bool OfflineAccess = false,
    bool AlwaysIssueRefreshTokens = true,
    string? ResourceIdentifier = null,
    bool RequireConsent = false,
    bool AllowDeviceGrant = false);

/// <summary>What each person allowed each app to know and do (OpenID Connect Core section 3.1.2.4), remembered so they are asked once.</summary>
public interface IConsentStore
{
    /// <summary>Whether the person already allowed the client every scope of <paramref name="scope"/>.</summary>
    Task<bool> CoversAsync(string subject, string clientId, string scope, CancellationToken cancellationToken);
}

/// <summary>The apps Roster signs people in to.</summary>
public interface IClientStore
{
    /// <summary>The client, or null when no app with single sign-on has this id.</summary>
    Task<OidcClient?> FindAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="secret"/> is the client's current secret, compared in constant time.</summary>
    Task<bool> SecretMatchesAsync(OidcClient client, string secret, CancellationToken cancellationToken);

    /// <summary>Whether some client has a redirect URI on <paramref name="origin"/> (scheme://host:port): a browser app there may call the token endpoint.</summary>
    Task<bool> IsRedirectOriginAsync(string origin, CancellationToken cancellationToken);
}

/// <summary>
/// What one authorization request let a client do for a person in one dashboard session. The code,
/// the refresh tokens and the access tokens issued from it all name it, so revoking it revokes them all.
/// <see cref="Resource"/> is the API its access tokens are for (RFC 8707), null for the app itself;
/// an <see cref="Offline"/> grant outlives the session (OpenID Connect Core section 11).
/// </summary>
public sealed record Grant(Guid Id, string ClientId, string Subject, string SessionId, string Scope, DateTimeOffset AuthTime, string? Nonce,
    string? Resource = null, bool Offline = false);

public sealed record IssuedCode(Grant Grant, string RedirectUri, string? CodeChallenge, DateTimeOffset ExpiresAt, bool Redeemed);

public sealed record IssuedRefreshToken(Grant Grant, DateTimeOffset ExpiresAt, bool Used);

/// <summary>A grant and the generation of the one refresh token of it that still works.</summary>
public sealed record RefreshState(Grant Grant, int Generation);

/// <summary>
/// Grants and codes, shared by every instance. Codes are handed over as issued; the store keeps only
/// their hashes. Refresh tokens are sealed (<see cref="RefreshTokens"/>); the store keeps each grant's
/// current refresh generation. Lookups never return anything of a revoked grant.
/// </summary>
public interface IGrantStore
{
    Task AddAsync(Grant grant, string code, string redirectUri, string? codeChallenge, DateTimeOffset codeExpiresAt, CancellationToken cancellationToken);

    Task<IssuedCode?> FindCodeAsync(string code, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the code redeemed unless it already was, which brings the grant's first refresh token
    /// (generation 0) to life until <paramref name="refreshExpiresAt"/>; false means another request redeemed it first.
    /// </summary>
    Task<bool> TryRedeemCodeAsync(string code, DateTimeOffset refreshExpiresAt, CancellationToken cancellationToken);

    /// <summary>A live grant whose code was redeemed, with the generation of its current refresh token.</summary>
    Task<RefreshState?> FindRefreshAsync(Guid grantId, CancellationToken cancellationToken);

    /// <summary>
    /// In one step, moves the live grant of <paramref name="clientId"/> from refresh generation
    /// <paramref name="generation"/> to the next, valid until <paramref name="nextExpiresAt"/>, if its person
    /// may still use the app. False means nothing moved: the grant is unknown, revoked, another client's, that
    /// generation was already used, or the person may no longer use the app.
    /// </summary>
    Task<bool> TryRotateRefreshAsync(Guid grantId, int generation, string clientId, DateTimeOffset nextExpiresAt, CancellationToken cancellationToken);

    Task<bool> IsActiveAsync(Guid grantId, CancellationToken cancellationToken);

    /// <summary>Revokes the grant and everything issued from it; <paramref name="reason"/> is for the audit log.</summary>
    Task RevokeAsync(Guid grantId, string reason, CancellationToken cancellationToken);

    /// <summary>Remembers a revoked access token until it would have expired anyway.</summary>
    Task RevokeAccessTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<bool> IsAccessTokenRevokedAsync(string tokenId, CancellationToken cancellationToken);
}

/// <summary>A person as apps see them. <see cref="Subject"/> is stable and never given to anyone else.</summary>
/// <summary>A person as one app sees them; <see cref="Roles"/> are the roles they hold in that app.</summary>
public sealed record OidcUser(string Subject, string Name, string Username, string? Email, bool EmailVerified, string? Picture, IReadOnlyList<string> Groups, string? Mailbox = null,
    IReadOnlyList<string>? Roles = null);

public interface IUserDirectory
{
    /// <summary>The person, or null when they are unknown, disabled, or not allowed to use this client's app.</summary>
    Task<OidcUser?> FindUsableAsync(string subject, OidcClient client, CancellationToken cancellationToken);

    /// <summary>Whether the person may still use this client's app, without reading their claims (a refresh issues no ID token).</summary>
    Task<bool> MayUseAsync(string subject, OidcClient client, CancellationToken cancellationToken);
}

/// <summary>A signed-in dashboard session: who, which session (the <c>sid</c> of back-channel logout), and when they authenticated.</summary>
public sealed record DashboardSession(string Subject, string SessionId, DateTimeOffset AuthTime);

/// <summary>
/// The parts of the flows that belong to the host's pages: the current session, the sign-in page and
/// back, and the pages a person sees when Roster must not redirect to the app.
/// </summary>
public interface ISignInHandOff
{
    Task<DashboardSession?> CurrentSessionAsync(HttpContext context);

    /// <summary>Sends the person to sign in, then back to <paramref name="returnUrl"/> (a local path).</summary>
    IResult SignIn(string returnUrl);

    /// <summary>
    /// The "no access to this app" page: the app's access rule refuses this person. With
    /// <paramref name="backToApp"/>, it offers a way back that tells the app <c>access_denied</c>.
    /// </summary>
    IResult NoAccess(OidcClient client, string? backToApp);

    /// <summary>
    /// The page where the signed-in person chooses to continue as themselves (on to <paramref name="returnUrl"/>, a
    /// local path) or to sign out and in as someone else, who then continues there.
    /// </summary>
    IResult SelectAccount(string returnUrl);

    /// <summary>
    /// The page where the signed-in person allows <paramref name="client"/> <paramref name="scope"/> (then continues at
    /// <paramref name="returnUrl"/>, a local path) or declines.
    /// </summary>
    IResult Consent(OidcClient client, string scope, string returnUrl);

    /// <summary>Whether the person has just declined <paramref name="client"/> on the consent page; true once per decline.</summary>
    bool TakeDeclinedConsent(HttpContext context, OidcClient client);

    /// <summary>An error shown to the person, because the request names no client or redirect URI it could safely go back to.</summary>
    IResult Error(OidcError error);

    /// <summary>Asks the signed-in person whether to sign out, then continues at <paramref name="returnUrl"/>.</summary>
    IResult ConfirmSignOut(string returnUrl);

    /// <summary>Ends the dashboard session and notifies the apps holding it.</summary>
    Task SignOutAsync(HttpContext context, DashboardSession session);

    /// <summary>The page that says the person is signed out, when no app asked to be returned to.</summary>
    IResult SignedOut();

    /// <summary>The person was just given a code for <paramref name="client"/>: the host keeps its record of sign-ins to apps.</summary>
    Task SignedInToAppAsync(DashboardSession session, OidcClient client, CancellationToken cancellationToken);
}

/// <summary>Failed client authentications per address, so secrets cannot be guessed at speed.</summary>
public interface ICredentialThrottle
{
    bool IsBlocked(string address);

    void RecordFailure(string address);
}
