using Roster.Data;
using Roster.Outbox;

namespace Roster.Mail;

public sealed record MailContent(string Subject, string Text, string Html);

/// <summary>
/// The one way to send an email: it is added to the caller's unit of work and leaves only once that
/// work is committed, through <see cref="OutboxSender"/>.
/// </summary>
public sealed class Mailer(RosterDb db, TimeProvider clock)
{
    public void Enqueue(string to, MailContent content)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            CreatedAt = now,
            To = to,
            Subject = content.Subject,
            TextBody = content.Text,
            HtmlBody = content.Html,
            NextAttemptAt = now,
        });
    }
}
