using Microsoft.IdentityModel.JsonWebTokens;

namespace Roster.Oidc;

/// <summary>
/// Whether a token Roster issued still counts: signed by Roster, unexpired, not revoked itself, and its
/// grant not revoked. Userinfo, introspection and revocation all ask here.
/// </summary>
public sealed class ActiveTokens(TokenIssuer tokens, RefreshTokens refreshTokens, IGrantStore grants, TimeProvider clock)
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
        await IssuedRefreshTokenAsync(token, cancellationToken) is { Used: false } issued && issued.ExpiresAt > clock.GetUtcNow() ? issued : null;

    /// <summary>A refresh token Roster sealed for a grant that is still live, used or expired or not.</summary>
    public async Task<IssuedRefreshToken?> IssuedRefreshTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (await refreshTokens.OpenAsync(token, cancellationToken) is not { } content || await grants.FindRefreshAsync(content.GrantId, cancellationToken) is not { } state)
            return null;
        return new IssuedRefreshToken(state.Grant, content.ExpiresAt, Used: state.Generation > content.Generation);
    }
}
