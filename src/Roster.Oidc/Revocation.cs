using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// Token revocation, RFC 7009. Revoking a refresh token revokes its whole grant, access tokens included
/// (section 2.1); revoking an access token revokes that token. Unknown tokens are answered 200 as well
/// (section 2.2), so the endpoint tells a caller nothing about tokens that are not theirs.
/// </summary>
public static class Revocation
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ClientAuthentication authentication,
        ActiveTokens active,
        IGrantStore grants,
        CancellationToken cancellationToken)
    {
        var request = await authentication.ReadAsync(context, cancellationToken);
        if (request.Refusal is { } refusal)
            return refusal;
        var client = request.Client;
        if (request.Parameters["token"] is not { } token)
            return OidcResults.Error(OidcError.InvalidRequest("token is missing."));

        if (await active.AccessTokenAsync(token, cancellationToken) is { } access)
        {
            if (access.GetPayloadValue<string>("client_id") == client.ClientId)
                await grants.RevokeAccessTokenAsync(access.Id, new DateTimeOffset(access.ValidTo, TimeSpan.Zero), cancellationToken);
        }
        else if (await active.IssuedRefreshTokenAsync(token, cancellationToken) is { } refresh && refresh.Grant.ClientId == client.ClientId)
            await grants.RevokeAsync(refresh.Grant.Id, "the app revoked its refresh token", cancellationToken);
        return OidcResults.Json(new Dictionary<string, object>());
    }
}
