using Microsoft.IdentityModel.JsonWebTokens;

namespace Roster.Oidc;

/// <summary>
/// Whether a token Roster issued still counts: signed by Roster, unexpired, not revoked itself, and its
/// grant not revoked. Userinfo, introspection and revocation all ask here.
/// </summary>
public sealed class ActiveTokens(TokenIssuer tokens, IGrantStore grants, TimeProvider clock)
{
    public async Task<JsonWebToken?> AccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var access = await tokens.ValidateAccessTokenAsync(token, cancellationToken);
        if (access is null || await grants.IsAccessTokenRevokedAsync(access.Id, cancellationToken))
            return null;
        if (access.TryGetPayloadValue<string>(TokenIssuer.GrantClaim, out var grantId) &&
            !(Guid.TryParseExact(grantId, "N", out var id) && await grants.IsActiveAsync(id, cancellationToken)))
            return null;
        return access;
    }

    public async Task<IssuedRefreshToken?> RefreshTokenAsync(string token, CancellationToken cancellationToken) =>
        await grants.FindRefreshTokenAsync(token, cancellationToken) is { Used: false } issued && issued.ExpiresAt > clock.GetUtcNow() ? issued : null;
}
