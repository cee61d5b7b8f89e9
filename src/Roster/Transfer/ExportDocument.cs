namespace Roster.Transfer;

/// <summary>
/// Roster's export, version 1: everything needed to stand the directory up again elsewhere. Ids are kept, because an
/// app knows a person by their id (the OpenID Connect subject). Secrets (app client secret and LDAP service account
/// hashes) are in it only when asked for.
/// </summary>
public sealed record ExportDocument(
    string Format, int Version, DateTime ExportedAt, bool WithSecrets,
    IReadOnlyList<ExportPerson> People, IReadOnlyList<ExportGroup> Groups, IReadOnlyList<ExportApp> Apps)
{
    public const string FormatName = "roster-export";
    public const int CurrentVersion = 1;
}

public sealed record ExportPerson(
    Guid Id, string? Username, string Email, string Name, Role Role, bool Enabled, bool EmailConfirmed, bool EmailVisible,
    string? PasswordHash, DateTime CreatedAt, IReadOnlyList<string> Groups, bool InvitationPending = false,
    bool TwoFactorEnabled = false, ExportTwoFactor? TwoFactor = null);

/// <summary>
/// A person's authenticator key (base64, unprotected: the export is the secret then) with the last time step used, and
/// the SHA-256 hashes of their unused recovery codes. Only with --with-secrets.
/// </summary>
public sealed record ExportTwoFactor(string Key, long LastUsedStep, IReadOnlyList<string> RecoveryCodeHashes);

public sealed record ExportGroup(Guid Id, string Name, string Description);

public sealed record ExportApp(
    Guid Id, string Name, string ClientId, string LaunchUrl, string Description, string DirectoryMode, string Access,
    IReadOnlyList<string> Groups, IReadOnlyList<string> Operators, string RedirectUris, string PostLogoutRedirectUris,
    string? BackChannelLogoutUri, string ApiScopes, bool RequirePkce, bool OfflineAccess, bool AlwaysIssueRefreshTokens,
    string TokenSigningAlgorithm, bool Confidential, bool HasLdapServiceAccount, string? ClientSecretHash, string? LdapPasswordHash,
    bool RequireConsent = false, bool AllowDeviceGrant = false, IReadOnlyList<ExportRole>? Roles = null);

/// <summary>An app's role with the groups (by name) and people (by username) holding it.</summary>
public sealed record ExportRole(string Name, string Description, IReadOnlyList<string> Groups, IReadOnlyList<string> People);
