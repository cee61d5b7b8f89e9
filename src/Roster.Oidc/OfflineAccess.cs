namespace Roster.Oidc;

/// <summary>
/// <c>offline_access</c> (OpenID Connect Core section 11): a refresh token that works while the person is not signed
/// in, so it outlives their dashboard session and RP-initiated logout, though never their account being disabled or
/// deleted or their password reset. Section 11 lets an app have it only with consent, which it expects as
/// <c>prompt=consent</c> "unless other conditions for processing the request permitting offline access to the
/// requested resources are in place". In Roster that condition is the administrator's: an app gets offline access
/// only when its administrator allowed it on the app's page, so no prompt is needed. From an app not allowed it,
/// the scope is ignored, as section 11 requires of a request that does not meet the conditions (not
/// <c>invalid_scope</c>): the app still signs the person in, without an offline refresh token.
/// </summary>
public static class OfflineAccess
{
    /// <summary>The scope a grant gets: the OpenID Connect scopes, without offline_access unless the app may have it, then the API's.</summary>
    public static string GrantedScope(string openIdScope, IReadOnlyList<string> apiScopes, OidcClient client)
    {
        var scopes = Scopes.Parse(openIdScope).Where(s => s != Scopes.OfflineAccess || client.OfflineAccess).Concat(apiScopes);
        return string.Join(' ', scopes);
    }

    public static bool IsOffline(string grantedScope) => Scopes.Parse(grantedScope).Contains(Scopes.OfflineAccess);
}
