namespace Roster.Oidc;

/// <summary>
/// The scopes Roster understands (OpenID Connect Core section 5.4, plus <c>groups</c>, and <c>mailbox</c> for webmail:
/// the person's own mailbox address, which may differ from their sign-in email) and the claims each releases.
/// </summary>
public static class Scopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string Groups = "groups";
    public const string Mailbox = "mailbox";
    public const string OfflineAccess = "offline_access";

    public static readonly string[] Supported = [OpenId, Profile, Email, Groups, Mailbox, OfflineAccess];

    public static readonly string[] Claims =
        ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "preferred_username", "picture", "email", "email_verified", "groups", "mailbox", "roles"];

    /// <summary>The longest API scope an app may list; a requested scope longer than this cannot be granted.</summary>
    public const int MaxApiScopeLength = 100;

    /// <summary>How many API scopes an app may list.</summary>
    public const int MaxApiScopes = 50;

    /// <summary>
    /// The longest scope parameter a client-credentials request may carry: every listed scope once, space-separated.
    /// Anything longer repeats a scope or asks for one not listed, so it is refused before it is split.
    /// </summary>
    public const int MaxApiScopeParameter = MaxApiScopes * (MaxApiScopeLength + 1);

    /// <summary>
    /// RFC 6749 section 3.3: <c>scope-token = 1*( %x21 / %x23-5B / %x5D-7E )</c>, printable ASCII without space,
    /// '"' and '\', so a scope can be echoed in an error description as is; and no longer than Roster keeps.
    /// </summary>
    public static bool IsApiScope(string? scope) =>
        scope is { Length: > 0 and <= MaxApiScopeLength } && scope.All(c => c is '\x21' or >= '\x23' and <= '\x5B' or >= '\x5D' and <= '\x7E');

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
        if (granted.Contains(Mailbox) && user.Mailbox is not null)
            claims["mailbox"] = user.Mailbox;
        // The app's own roles are its authorization data, not the person's profile: released with openid alone.
        if (user.Roles is { Count: > 0 } roles)
            claims["roles"] = roles.ToArray();
        return claims;
    }
}
