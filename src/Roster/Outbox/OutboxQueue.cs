using Roster.Data;

namespace Roster.Outbox;

/// <summary>
/// The one way to queue a message, whatever its channel: it joins the caller's unit of work, so it leaves only once
/// that work is committed, and a rollback takes it back with the change that caused it.
/// </summary>
public sealed class OutboxQueue(TimeProvider clock)
{
    public void Add(RosterDb db, OutboxChannel channel, string to, string subject, string textBody, string htmlBody = "")
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Channel = channel,
            CreatedAt = now,
            To = to,
            Subject = subject,
            TextBody = textBody,
            HtmlBody = htmlBody,
            NextAttemptAt = now,
        });
    }
}
