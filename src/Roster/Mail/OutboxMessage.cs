namespace Roster.Mail;

/// <summary>
/// An email waiting to be delivered. It is added in the same transaction as the change that causes it,
/// so a crash can neither lose it nor send it for a change that was rolled back.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";
    public string HtmlBody { get; set; } = "";
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }
}
