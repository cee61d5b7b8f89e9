namespace Roster.Accounts;

/// <summary>
/// The password generated for the first owner at first start, kept (protected with the data-protection
/// key ring) only so that the operator can read it again with <c>roster admin-credentials</c>.
/// </summary>
public sealed class FirstOwnerCredentials
{
    public Guid UserId { get; set; }
    public string ProtectedPassword { get; set; } = "";
}
