using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

/// <summary>The roles of PRODUCT.md section 1, ordered so that a higher value may do everything a lower one may.</summary>
public enum Role
{
    User = 0,
    UserManager = 1,
    MailManager = 2,
    Admin = 3,
    Owner = 4,
}

public sealed class User : IdentityUser<Guid>
{
    public string Name { get; set; } = "";
    public Role Role { get; set; } = Role.User;
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
