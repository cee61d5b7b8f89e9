namespace Roster.Accounts;

public sealed class AccountOptions
{
    public const string Section = "Roster:Accounts";

    /// <summary>PBKDF2 iterations for new password hashes (ASP.NET Core Identity's hasher).</summary>
    public int PasswordIterations { get; set; } = 100_000;

    public int MaxFailedAttempts { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan ResetLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the link that confirms a changed email address works.</summary>
    public TimeSpan EmailConfirmationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an admin's temporary password for someone else's account works.</summary>
    public TimeSpan TemporaryPasswordLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class OwnerOptions
{
    public const string Section = "Roster:Owner";

    public string Email { get; set; } = "owner@example.org";
    public string Username { get; set; } = "owner";

    /// <summary>When set, the first owner gets this password instead of a generated one.</summary>
    public string? Password { get; set; }
}
