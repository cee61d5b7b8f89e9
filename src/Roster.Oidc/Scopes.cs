namespace Roster.Oidc;

/// <summary>The scopes Roster understands (OpenID Connect Core section 5.4, plus <c>groups</c>) and the claims each releases.</summary>
public static class Scopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string Groups = "groups";
    public const string OfflineAccess = "offline_access";

    public static readonly string[] Supported = [OpenId, Profile, Email, Groups, OfflineAccess];

    public static readonly string[] Claims =
        ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "preferred_username", "picture", "email", "email_verified", "groups"];

    public static IReadOnlyList<string> Parse(string? scope) =>
        (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The requested scopes Roster knows, in a stable order; unknown ones are ignored, as section 3.1.2.1 allows.</summary>
    public static string Granted(IReadOnlyList<string> requested) =>
        string.Join(' ', Supported.Where(requested.Contains));

    /// <summary>The person's claims the granted scopes release, for the ID token and userinfo alike.</summary>
    public static Dictionary<string, object> ClaimsOf(OidcUser user, string grantedScope)
    {
        var granted = Parse(grantedScope);
        var claims = new Dictionary<string, object> { ["sub"] = user.Subject };
        if (granted.Contains(Profile))
        {
            claims["name"] = user.Name;
            claims["preferred_username"] = user.Username;
            if (user.Picture is not null)
                claims["picture"] = user.Picture;
        }
        if (granted.Contains(Email) && user.Email is not null)
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailVerified;
        }
        if (granted.Contains(Groups))
            claims["groups"] = user.Groups.ToArray();
        return claims;
    }
}
