namespace Roster.Oidc;

public sealed class OidcOptions
{
    public const string Section = "Roster:Oidc";

    /// <summary>How long an authorization code may wait to be redeemed. RFC 6749 section 4.1.2 advises at most ten minutes; a minute is plenty.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Access and ID tokens are self-contained, so they live briefly; revocation is checked where Roster itself accepts them.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Each refresh returns a new refresh token that lives this long; signing out of Roster revokes it earlier.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A logout token is sent within seconds of its signing; receivers reject older ones.</summary>
    public TimeSpan LogoutTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// The issuer identifier (OpenID Connect Discovery section 3): Roster's public origin. It is resolved once,
/// after the server listens, from configuration and never from a request's Host header.
/// </summary>
public sealed class OidcIssuer(Func<string> origin)
{
    private string? value;

    public string Value => value ??= origin();

    public string Url(string path) => Value + path;
}

/// <summary>Where each endpoint lives; the discovery document announces them.</summary>
public static class OidcPaths
{
    public const string Discovery = "/.well-known/openid-configuration";
    public const string Jwks = "/oidc/jwks";
    public const string Authorize = "/oidc/authorize";
    public const string Token = "/oidc/token";
    public const string UserInfo = "/oidc/userinfo";
    public const string Revocation = "/oidc/revoke";
    public const string Introspection = "/oidc/introspect";
    public const string EndSession = "/oidc/logout";
    public const string DeviceAuthorization = "/oidc/device_authorization";
}
