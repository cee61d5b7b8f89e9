using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// RP-Initiated Logout 1.0: an app sends the person here to sign out of Roster too. With an
/// <c>id_token_hint</c> for the signed-in person the sign-out is immediate; otherwise the person is
/// asked first (section 2), so a link on another site cannot sign anyone out. A hint Roster cannot verify
/// (signed by a key retired since, say) only costs that question: the person can still sign out.
/// </summary>
public static class EndSession
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        IClientStore clients,
        TokenIssuer tokens,
        ISignInHandOff handOff,
        CancellationToken cancellationToken)
    {
        var parameters = await Parameters.ReadAsync(context.Request, cancellationToken);
        var hint = parameters["id_token_hint"] is { } presented ? await tokens.ValidateIdTokenHintAsync(presented, cancellationToken) : null;
        var hinted = hint?.Audiences.FirstOrDefault();
        if (parameters["client_id"] is { } named && hinted is not null && named != hinted)
            return handOff.Error(OidcError.InvalidRequest("client_id and the id_token_hint name different apps."));
        var clientId = parameters["client_id"] ?? hinted;
        var client = clientId is null ? null : await clients.FindAsync(clientId, cancellationToken);
        if (clientId is not null && client is null)
            return handOff.Error(OidcError.InvalidRequest("The sign-out link names no app registered in Roster (client_id)."));
        // Section 3: only a registered address may receive the person afterwards.
        var returnTo = parameters["post_logout_redirect_uri"];
        if (returnTo is not null && (client is null || !client.PostLogoutRedirectUris.Contains(returnTo, StringComparer.Ordinal)))
            return handOff.Error(OidcError.InvalidRequest("The app asked to return to an address not registered as its post-logout redirect URI."));

        if (await handOff.CurrentSessionAsync(context) is { } session)
        {
            if (hint is null || hint.Subject != session.Subject)
                return handOff.ConfirmSignOut(OidcPaths.EndSession + QueryString.Create(parameters.All.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).ToUriComponent());
            await handOff.SignOutAsync(context, session);
        }
        return returnTo is null ? handOff.SignedOut() : Results.Redirect(Parameters.AppendTo(returnTo, [new("state", parameters["state"])]));
    }
}
