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
    string? PasswordHash, DateTime CreatedAt, IReadOnlyList<string> Groups);

public sealed record ExportGroup(Guid Id, string Name, string Description);

public sealed record ExportApp(
    Guid Id, string Name, string ClientId, string LaunchUrl, string Description, string DirectoryMode, string Access,
    IReadOnlyList<string> Groups, IReadOnlyList<string> Operators, string RedirectUris, string PostLogoutRedirectUris,
    string? BackChannelLogoutUri, string ApiScopes, bool RequirePkce, bool OfflineAccess, bool AlwaysIssueRefreshTokens,
    string TokenSigningAlgorithm, bool Confidential, bool HasLdapServiceAccount, string? ClientSecretHash, string? LdapPasswordHash);
