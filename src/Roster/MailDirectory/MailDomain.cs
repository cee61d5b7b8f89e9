namespace Roster.MailDirectory;

/// <summary>A domain Roster publishes addresses for (example.org): every mailbox, alias and list address is in one.</summary>
public sealed class MailDomain
{
    public Guid Id { get; set; }

    /// <summary>Lower case, internationalized names in their ASCII (punycode) form, as DNS and SMTP carry them.</summary>
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
