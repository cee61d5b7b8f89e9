namespace Roster.Accounts;

public enum AccountTokenPurpose
{
    PasswordReset = 1,
    Invitation = 2,

    /// <summary>Printed by <c>roster owner-login</c>: signs an owner in once, without the second factor.</summary>
    OwnerLogin = 3,

    /// <summary>An admin's temporary password for someone's account: works until it expires, beside the person's own password.</summary>
    TemporaryPassword = 4,

    /// <summary>Confirms a new email address; redeemed only by the account's own signed-in person.</summary>
    EmailConfirmation = 5,
}

/// <summary>
/// A single-use secret sent to a person by email (reset links, invitations). Only the SHA-256 of the
/// token is stored, so a copy of the database cannot be used to take over accounts.
/// </summary>
public sealed class AccountToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public AccountTokenPurpose Purpose { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
}
