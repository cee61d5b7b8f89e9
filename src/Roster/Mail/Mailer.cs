using Roster.Data;
using Roster.Outbox;

namespace Roster.Mail;

public sealed record MailContent(string Subject, string Text, string Html);

/// <summary>
/// The one way to send an email: it is added to the caller's unit of work and leaves only once that
/// work is committed, through <see cref="OutboxSender"/>.
/// </summary>
public sealed class Mailer(RosterDb db, OutboxQueue outbox)
{
    public void Enqueue(string to, MailContent content) =>
        outbox.Add(db, OutboxChannel.Email, to, content.Subject, content.Text, content.Html);
}
