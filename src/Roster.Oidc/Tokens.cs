using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

public sealed record SignedToken(string Value, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>
/// Mints and checks Roster's JWTs: ID tokens (OpenID Connect Core section 2), access tokens in the
/// RFC 9068 profile, and logout tokens (Back-Channel Logout section 2.4). Each is signed with the
/// client's chosen algorithm by the key ring's active key.
/// </summary>
public sealed class TokenIssuer(KeyRing keys, OidcIssuer issuer, TimeProvider clock, IOptions<OidcOptions> options)
{
    public const string AccessTokenType = "at+jwt";
    public const string LogoutTokenType = "logout+jwt";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>The grant an access token came from; a private claim, so revoking the grant revokes the token.</summary>
    public const string GrantClaim = "gid";

    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>
    /// An access token for a person (<paramref name="grant"/> given) or for the client itself (client credentials); meant
    /// for the client, or for <paramref name="resource"/> (RFC 9068 section 3: its identifier is the <c>aud</c>, and its
    /// lifetime the token's).
    /// </summary>
    public Task<SignedToken> AccessTokenAsync(OidcClient client, string scope, Grant? grant, CancellationToken cancellationToken, ResourceServer? resource = null)
    {
        var claims = new Dictionary<string, object>
        {
            // RFC 9068 section 2.2: with no person involved, the subject is the client.
            ["sub"] = grant?.Subject ?? client.ClientId,
            ["client_id"] = client.ClientId,
        };
        if (scope.Length > 0)
            claims["scope"] = scope;
        if (grant is not null)
        {
            claims["auth_time"] = grant.AuthTime.ToUnixTimeSeconds();
            claims["sid"] = grant.SessionId;
            claims[GrantClaim] = grant.Id.ToString("N");
        }
        if (resource is not null)
            claims["aud"] = resource.Identifier;
        return SignAsync(client, claims, AccessTokenType, resource?.AccessTokenLifetime ?? options.Value.AccessTokenLifetime, cancellationToken);
    }

    public async Task<string> IdTokenAsync(OidcClient client, OidcUser user, Grant grant, CancellationToken cancellationToken)
    {
        var claims = Scopes.ClaimsOf(user, grant.Scope);
        claims["auth_time"] = grant.AuthTime.ToUnixTimeSeconds();
        claims["sid"] = grant.SessionId;
        if (grant.Nonce is not null)
            claims["nonce"] = grant.Nonce;
        return (await SignAsync(client, claims, JwtConstants.HeaderType, options.Value.IdTokenLifetime, cancellationToken)).Value;
    }

    /// <summary>Back-Channel Logout section 2.4: names the subject and session, carries the logout event, and never a nonce.</summary>
    public async Task<string> LogoutTokenAsync(OidcClient client, string subject, string sessionId, CancellationToken cancellationToken)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["sid"] = sessionId,
            ["events"] = new Dictionary<string, object> { [BackChannelLogoutEvent] = new Dictionary<string, object>() },
        };
        return (await SignAsync(client, claims, LogoutTokenType, options.Value.LogoutTokenLifetime, cancellationToken)).Value;
    }

    /// <summary>The claims of a valid, unexpired access token Roster issued; null for anything else.</summary>
    public async Task<JsonWebToken?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken) =>
        await ValidateAsync(token, AccessTokenType, checkLifetime: true, cancellationToken);

    /// <summary>An ID token Roster issued, expired or not, as an <c>id_token_hint</c> (RP-Initiated Logout section 2).</summary>
    public async Task<JsonWebToken?> ValidateIdTokenHintAsync(string token, CancellationToken cancellationToken) =>
        await ValidateAsync(token, JwtConstants.HeaderType, checkLifetime: false, cancellationToken);

    private async Task<SignedToken> SignAsync(OidcClient client, Dictionary<string, object> claims, string type, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var tokenId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var expires = now + lifetime;
        claims["jti"] = tokenId;
        claims["iss"] = issuer.Value;
        claims.TryAdd("aud", client.ClientId);
        claims["iat"] = now.ToUnixTimeSeconds();
        claims["exp"] = expires.ToUnixTimeSeconds();
        var credentials = await keys.SigningCredentialsAsync(client.SigningAlgorithm, cancellationToken);
        return new(Jws.Sign(credentials.Key, credentials.Algorithm, type, claims), tokenId, expires);
    }

    private async Task<JsonWebToken?> ValidateAsync(string token, string type, bool checkLifetime, CancellationToken cancellationToken)
    {
        if (token.Length > 8192)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Value,
            ValidateAudience = false,
            IssuerSigningKeys = await keys.ValidationKeysAsync(cancellationToken),
            ValidTypes = [type],
            ValidAlgorithms = SigningAlgorithms.All,
            ValidateLifetime = checkLifetime,
            // Roster's own clock decides, so tests can move it; Roster signed these, so there is no skew to allow.
            LifetimeValidator = (_, expires, _, _) => !checkLifetime || expires > now,
        });
        return result.IsValid ? (JsonWebToken)result.SecurityToken : null;
    }

    /// <summary>A random single-use credential: authorization codes.</summary>
    public static string NewHandle() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
