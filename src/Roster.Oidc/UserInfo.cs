using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>The userinfo endpoint, OpenID Connect Core section 5.3, guarded as RFC 6750 describes.</summary>
public static class UserInfo
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ActiveTokens active,
        IClientStore clients,
        IUserDirectory directory,
        CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.ToString();
        string? presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        // RFC 6750 section 2.2: a POST may carry the token in its form instead.
        if (presented is null && await Parameters.ReadFormAsync(context.Request, cancellationToken) is { } form)
            presented = form["access_token"];
        // Section 3.1: a request with no credentials at all gets a bare challenge, without an error code.
        if (string.IsNullOrEmpty(presented))
            return new OidcResults.Challenge(Results.StatusCode(StatusCodes.Status401Unauthorized), "Bearer realm=\"roster\"");

        var access = await active.AccessTokenAsync(presented, cancellationToken);
        if (access is null || !access.TryGetPayloadValue<string>(TokenIssuer.GrantClaim, out _))
            return OidcResults.BearerError(OidcError.InvalidToken("The access token is invalid, expired, revoked, or does not act for a person."));
        var scope = access.TryGetPayloadValue<string>("scope", out var value) ? value : "";
        if (!Scopes.Parse(scope).Contains(Scopes.OpenId))
            return OidcResults.BearerError(new("insufficient_scope", "Userinfo needs a token granted the openid scope."), StatusCodes.Status403Forbidden);
        var client = await clients.FindAsync(access.GetPayloadValue<string>("client_id"), cancellationToken);
        var user = client is null ? null : await directory.FindUsableAsync(access.Subject, client, cancellationToken);
        if (user is null)
            return OidcResults.BearerError(OidcError.InvalidToken("The person is disabled or no longer allowed to use this app."));
        return OidcResults.Json(Scopes.ClaimsOf(user, scope));
    }
}
