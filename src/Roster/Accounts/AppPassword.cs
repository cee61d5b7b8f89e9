namespace Roster.Accounts;

/// <summary>
/// A password a person made for one program that signs in over LDAP (a mail or calendar app on a phone),
/// beside their own. Roster generates it; it is shown once and only its SHA-256 is kept.
/// </summary>
public sealed class AppPassword
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The name in upper case: unique per person, so two passwords never differ only in case.</summary>
    public string NormalizedName { get; set; } = "";
    public string SecretHash { get; set; } = "";

    /// <summary>The one app whose LDAP connections may use it, or null for any bind as the person.</summary>
    public Guid? AppId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

/// <summary>An app password as its person and their managers see it: never the secret.</summary>
public sealed record AppPasswordView(Guid Id, string Name, string? AppName, DateTime CreatedAt, DateTime? LastUsedAt);
