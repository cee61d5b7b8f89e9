namespace Roster.MailDirectory;

/// <summary>
/// An address that stores mail, owned by one person (their own mailbox) or by a group (a shared mailbox). Its
/// aliases are more addresses delivering to it. A disabled mailbox, or one whose person is disabled, is not
/// published, so the mail server refuses mail to it and sign-ins with it.
/// </summary>
public sealed class Mailbox
{
    public Guid Id { get; set; }

    /// <summary>The mailbox's own address as shown; its row in <see cref="MailAddress"/> keeps it unique.</summary>
    public string Address { get; set; } = "";
    public Guid? UserId { get; set; }
    public Guid? GroupId { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum MailAddressKind
{
    Mailbox,
    Alias,
    List,
}

/// <summary>
/// Every address Roster publishes, whatever receives it, in one table: the database itself then keeps addresses
/// unique ignoring case across mailboxes, aliases and lists, even when two people save at the same moment.
/// </summary>
public sealed class MailAddress
{
    public Guid Id { get; set; }

    /// <summary>As typed, with the domain in lower case.</summary>
    public string Address { get; set; } = "";

    /// <summary>Lower case: what uniqueness and lookups compare.</summary>
    public string NormalizedAddress { get; set; } = "";
    public Guid DomainId { get; set; }
    public MailAddressKind Kind { get; set; }

    /// <summary>The mailbox a <see cref="MailAddressKind.Mailbox"/> or <see cref="MailAddressKind.Alias"/> address delivers to.</summary>
    public Guid? MailboxId { get; set; }

    /// <summary>The list a <see cref="MailAddressKind.List"/> address is.</summary>
    public Guid? ListId { get; set; }
}
