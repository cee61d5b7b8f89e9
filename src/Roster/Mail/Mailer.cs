using Roster.Data;

namespace Roster.Mail;

public sealed record MailContent(string Subject, string Text, string Html);

/// <summary>
/// The one way to send an email: it is added to the caller's unit of work and leaves only once that
/// work is committed, through <see cref="OutboxSender"/>.
/// </summary>
public sealed class Mailer(RosterDb db, TimeProvider clock, OutboxSignal signal)
{
    private bool listening;

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
        if (!listening)
        {
            listening = true;
            db.SavedChanges += (_, _) => signal.Notify();
        }
    }
}

/// <summary>Wakes the sender when a unit of work with mail in it has been committed, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Notify()
    {
        if (semaphore.CurrentCount == 0)
            try { semaphore.Release(); } catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);
}
