using Microsoft.AspNetCore.Identity;

namespace Roster.Kernel;

/// <summary>The roles of PRODUCT.md section 1, ordered so that a higher value may do everything a lower one may.</summary>
public enum Role
{
    User = 0,
    UserManager = 1,
    MailManager = 2,
    Admin = 3,
    Owner = 4,
}

/// <summary>
/// A person in the directory. <see cref="IdentityUser{TKey}.Id"/> is the stable subject identifier apps
/// see; it is a fresh version-7 GUID for every account and never reused.
/// </summary>
public sealed class User : IdentityUser<Guid>, IPosixNumbered
{
    public string Name { get; set; } = "";
    public Role Role { get; set; } = Role.User;
    public bool Enabled { get; set; } = true;

    /// <summary>Whether people without user-management rights see this address in the users list.</summary>
    public bool EmailVisible { get; set; } = true;

    /// <summary>
    /// The current address was set by someone else and its person has not confirmed it yet: no reset link
    /// goes there, so whoever changed it cannot take the account over with "Forgot password".
    /// </summary>
    public bool EmailSetByOther { get; set; }

    /// <summary>Invited and not yet accepted: the account has only an unusable random password.</summary>
    public bool InvitationPending { get; set; }
    /// <summary>Name, username and email in lower case, computed by the database; what the users list searches.</summary>
    public string? SearchText { get; private set; }

    /// <summary>How the database computes <see cref="SearchText"/>.</summary>
    public const string SearchTextSql = """lower("Name" || ' ' || coalesce("UserName", '') || ' ' || coalesce("Email", ''))""";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The person's POSIX uidNumber, which is also the gidNumber of their private group (<see cref="IPosixNumbered"/>).</summary>
    public int UidNumber { get; set; }

    int IPosixNumbered.PosixNumber { get => UidNumber; set => UidNumber = value; }
}
