namespace Roster.Accounts;

/// <summary>
/// An SSH public key of a person, published over LDAP as <c>sshPublicKey</c> for sshd's AuthorizedKeysCommand and
/// sssd. Public by nature, so stored as given; the fingerprint is unique, so one key opens one account.
/// </summary>
public sealed class SshKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }

    /// <summary>The key type, e.g. ssh-ed25519.</summary>
    public string Type { get; set; } = "";

    /// <summary>The key blob in base64, as in the .pub file.</summary>
    public string PublicKey { get; set; } = "";
    public string Comment { get; set; } = "";

    /// <summary>SHA256:… as <c>ssh-keygen -l</c> prints it.</summary>
    public string Fingerprint { get; set; } = "";
    public int Bits { get; set; }

    /// <summary>Who added it, so the person can see a key someone else (an admin, the operator) gave their account.</summary>
    public string AddedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>The line as an authorized_keys file (and LDAP's sshPublicKey) holds it.</summary>
    public string Line => Comment.Length == 0 ? $"{Type} {PublicKey}" : $"{Type} {PublicKey} {Comment}";
}
