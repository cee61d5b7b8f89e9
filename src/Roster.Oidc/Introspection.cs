using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// Token introspection, RFC 7662. Section 2.1 requires the caller to be authorized, so only a confidential
/// client may ask: a public client's id is no secret, and would let anyone probe tokens. A client learns
/// about its own tokens only; anything else, including another client's token, is simply inactive
/// (section 2.2). An API introspects with its own id and secret, and learns only about access tokens meant for it
/// (<see cref="Resources.MayIntrospect"/>).
/// </summary>
public static class Introspection
{
    public static async Task<IResult> HandleAsync(HttpContext context, ClientAuthentication authentication, ActiveTokens active, CancellationToken cancellationToken)
    {
        var request = await authentication.ReadAsync(context, cancellationToken);
        if (request.Refusal is { } refusal)
            return refusal;
        var client = request.Client;
        if (!client.IsConfidential)
            return ClientAuthentication.Refuse(OidcError.InvalidClient("Only a confidential client, one with a secret, may introspect tokens."));
        if (request.Parameters["token"] is not { } token)
            return OidcResults.Error(OidcError.InvalidRequest("token is missing."));

        // Hints only say where to look first (section 2.1); both kinds are tried.
        if (await active.AccessTokenAsync(token, cancellationToken) is { } access && Resources.MayIntrospect(client, access))
        {
            var body = new Dictionary<string, object>
            {
                ["active"] = true,
                ["token_type"] = "Bearer",
                ["client_id"] = access.GetPayloadValue<string>("client_id"),
                ["sub"] = access.Subject,
                ["aud"] = access.Audiences.First(),
                ["iss"] = access.Issuer,
                ["jti"] = access.Id,
                ["iat"] = new DateTimeOffset(access.IssuedAt).ToUnixTimeSeconds(),
                ["exp"] = new DateTimeOffset(access.ValidTo).ToUnixTimeSeconds(),
            };
            if (access.TryGetPayloadValue<string>("scope", out var scope))
                body["scope"] = scope;
            return OidcResults.Json(body);
        }
        if (await active.RefreshTokenAsync(token, cancellationToken) is { } refresh && client.ResourceIdentifier is null && refresh.Grant.ClientId == client.ClientId)
            return OidcResults.Json(new Dictionary<string, object>
            {
                ["active"] = true,
                ["client_id"] = client.ClientId,
                ["sub"] = refresh.Grant.Subject,
                ["scope"] = refresh.Grant.Scope,
                ["exp"] = refresh.ExpiresAt.ToUnixTimeSeconds(),
            });
        return OidcResults.Json(new Dictionary<string, object> { ["active"] = false });
    }
}
