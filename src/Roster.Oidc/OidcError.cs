namespace Roster.Oidc;

/// <summary>
/// A protocol error in the specs' own words: RFC 6749 sections 4.1.2.1 and 5.2, OpenID Connect Core
/// section 3.1.2.6, RFC 6750 section 3.1. The description is for the developer reading the response.
/// </summary>
public sealed record OidcError(string Code, string Description)
{
    /// <summary>
    /// <see cref="Description"/> as an error response may carry it: RFC 6749 sections 4.1.2.1 and 5.2 allow
    /// printable ASCII without '"' and '\'. Quotation marks become apostrophes and anything else outside the
    /// set a '?', so a name or a parameter echoed back cannot break a client's parser.
    /// </summary>
    public string WireDescription => string.Create(Description.Length, Description, static (written, text) =>
    {
        for (var i = 0; i < text.Length; i++)
            written[i] = text[i] switch
            {
                '"' or '\u201C' or '\u201D' or '\u2018' or '\u2019' => '\'',
                '\\' => '/',
                >= ' ' and <= '~' and var allowed => allowed,
                _ => '?',
            };
    });

    public static OidcError InvalidRequest(string description) => new("invalid_request", description);
    public static OidcError InvalidClient(string description) => new("invalid_client", description);
    public static OidcError InvalidGrant(string description) => new("invalid_grant", description);
    public static OidcError InvalidScope(string description) => new("invalid_scope", description);
    public static OidcError UnauthorizedClient(string description) => new("unauthorized_client", description);
    public static OidcError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);
    public static OidcError UnsupportedResponseType(string description) => new("unsupported_response_type", description);
    public static OidcError AccessDenied(string description) => new("access_denied", description);
    public static OidcError LoginRequired(string description) => new("login_required", description);
    public static OidcError InvalidToken(string description) => new("invalid_token", description);
}
