namespace Roster.Apps;

public enum DirectoryMode
{
    /// <summary>The app signs people in through Roster (OpenID Connect or LDAP).</summary>
    UseRoster = 0,

    /// <summary>The app keeps its own accounts: Roster only shows a launcher tile, with no single sign-on.</summary>
    OwnUsers = 1,
}

public enum AppAccess
{
    Everyone = 0,
    Groups = 1,
}

/// <summary>An app on the platform, as the launcher shows it and as the access rule guards it.</summary>
public sealed class App
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string LaunchUrl { get; set; } = "";
    public string Description { get; set; } = "";
    public DirectoryMode DirectoryMode { get; set; }
    public AppAccess Access { get; set; }

    /// <summary>The OpenID Connect client id; random, fixed at registration.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>SHA-256 of the client secret (shown once). Null for a public client, which must use PKCE instead.</summary>
    public string? ClientSecretHash { get; set; }

    /// <summary>Exact redirect URIs, one per line; an authorization request must name one of them.</summary>
    public string RedirectUris { get; set; } = "";

    /// <summary>Exact addresses, one per line, an app may send people back to after signing them out (RP-Initiated Logout).</summary>
    public string PostLogoutRedirectUris { get; set; } = "";

    public string? BackChannelLogoutUri { get; set; }

    /// <summary>
    /// Whether an admin set the current back-channel logout URI, and so vouched for it: only then may
    /// Roster deliver to a loopback or private address (<see cref="Roster.Kernel.OutboundHttp"/>).
    /// </summary>
    public bool BackChannelLogoutUriTrusted { get; set; }

    /// <summary>SHA-256 of the password of the app's LDAP service account (shown once); null when it has none.</summary>
    public string? LdapPasswordHash { get; set; }

    /// <summary>
    /// The API scopes the app may give itself with client credentials, space-separated in the order listed;
    /// empty when it may have none. Each is an RFC 6749 scope-token (see <see cref="Roster.Oidc.Scopes.IsApiScope"/>).
    /// </summary>
    public string ApiScopes { get; set; } = "";

    /// <summary>
    /// Whether a code request must carry a PKCE code_challenge even from a confidential client (RFC 9700 section
    /// 2.1.1 recommends it for all). On for apps registered from now on; migration 0021 left existing apps off.
    /// Public clients need PKCE whatever this says.
    /// </summary>
    public bool RequirePkce { get; set; } = true;

    /// <summary>
    /// Whether each person is asked, once per set of scopes, to allow the app what it asks for (a consent page). Off for
    /// the platform's own apps, whose administrator decided for everyone; on for apps run by someone else.
    /// </summary>
    public bool RequireConsent { get; set; }

    /// <summary>
    /// Whether the app may sign people in on devices with the Device Authorization Grant (RFC 8628). Off for apps
    /// registered from now on: a user code is easily phished (someone sends a code and asks the person to enter it), so an
    /// admin allows it only for an app that needs it. Migration 0023 left existing apps on, as they were.
    /// </summary>
    public bool AllowDeviceGrant { get; set; }

    /// <summary>Whether the app may ask for <c>offline_access</c>: refresh tokens that outlive the person's dashboard session.</summary>
    public bool OfflineAccess { get; set; }

    /// <summary>
    /// Whether the app gets a session-bound refresh token without asking for <c>offline_access</c>, as every app did
    /// before this setting existed; on by default so no app loses its refresh tokens, off for an app that should get
    /// refresh tokens only with <c>offline_access</c>.
    /// </summary>
    public bool AlwaysIssueRefreshTokens { get; set; } = true;

    /// <summary>RS256 (the default every client supports) or ES256.</summary>
    public string TokenSigningAlgorithm { get; set; } = "RS256";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A group whose members may use an app whose access is <see cref="AppAccess.Groups"/>.</summary>
public sealed class AppGroup
{
    public Guid AppId { get; set; }
    public Guid GroupId { get; set; }
}

/// <summary>A person who may configure this one app, whatever their role.</summary>
public sealed class AppOperator
{
    public Guid AppId { get; set; }
    public Guid UserId { get; set; }
}

public sealed class AppIcon
{
    public Guid AppId { get; set; }
    public string ContentType { get; set; } = "";
    public byte[] Data { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}
