namespace Roster.MailDirectory;

/// <summary>
/// An address that delivers to its members: people, groups (whose members are read when mail arrives, so a change
/// of membership counts at once) and addresses outside Roster.
/// </summary>
public sealed class MailingList
{
    public Guid Id { get; set; }
    public string Address { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>Published for the mail server, which refuses mail to the list from senders who are not members.</summary>
    public bool MembersOnly { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One member of a list: exactly one of a person, a group or an external address.</summary>
public sealed class MailingListMember
{
    public Guid Id { get; set; }
    public Guid ListId { get; set; }
    public Guid? UserId { get; set; }
    public Guid? GroupId { get; set; }

    /// <summary>An address outside Roster's people (or another list's address); lower case.</summary>
    public string? Address { get; set; }
}
