namespace Roster.OidcProvider;

/// <summary>
/// What one person allowed one app (OpenID Connect Core section 3.1.2.4): the scopes, space-separated, growing as the app
/// asks for more and the person allows them. Revoking deletes the row, and the app asks again.
/// </summary>
public sealed class OidcConsent
{
    public Guid UserId { get; set; }
    public Guid AppId { get; set; }
    public string Scope { get; set; } = "";
    public DateTime GrantedAt { get; set; }
}
