using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Data;

namespace Roster.Outbox;

/// <summary>
/// Delivers the outbox, oldest due message first, through the <see cref="IOutboxChannel"/> its feature registered,
/// retrying failures with exponential backoff. A message is marked sent in the same step that sends it, so after a
/// crash only a message caught between the receiver's acceptance and the commit can go out twice; none can be lost.
/// </summary>
public sealed class OutboxSender(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<OutboxSender> log) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first look waits one poll interval, or less when a message is queued: on a small machine a
        // restart then answers its first requests before this compiles its queries.
        await signal.WaitAsync(PollInterval, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverNextAsync(stoppingToken)) { }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The outbox could not be read; trying again shortly.");
            }
            await signal.WaitAsync(PollInterval, stoppingToken);
        }
    }

    /// <summary>Tries the next due message, if any; says whether there was one.</summary>
    public async Task<bool> DeliverNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        var now = clock.GetUtcNow().UtcDateTime;

        // On PostgreSQL several instances may send at once: the row lock, held until commit, keeps a
        // message with one sender, and a crashed sender's lock dies with its connection. SQLite serves a
        // single instance, and a transaction there would block every other writer during the SMTP call.
        await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var message = (await Due(db, now).ToListAsync(cancellationToken)).SingleOrDefault();
        if (message is null)
            return false;

        try
        {
            var handlers = scope.ServiceProvider.GetServices<IOutboxChannel>().Where(c => c.Channel == message.Channel).ToList();
            if (handlers is not [var handler])
            {
                // A bug in the host's setup, not in the message: it waits, with backoff, for a build that registers one.
                ScheduleRetry(message, now, $"{handlers.Count} handlers are registered for the outbox channel {message.Channel}; there must be one.");
                log.LogError("Could not deliver \"{Subject}\" to {To} (attempt {Attempt}): {Error} Next try at {Next:u}.",
                    message.Subject, message.To, message.Attempts + 1, message.LastError, message.NextAttemptAt);
            }
            else if (await handler.DeliverAsync(message, cancellationToken) is { } refusal)
                GiveUp(message, refusal, now);
            else
                MarkSent(message);
        }
        // A target's timeout is a cancellation to HttpClient, but not of this sender: it is retried like any failure.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ScheduleRetry(message, now, e.Message);
            log.LogWarning("Could not deliver \"{Subject}\" to {To} (attempt {Attempt}): {Error}. Next try at {Next:u}.",
                message.Subject, message.To, message.Attempts + 1, e.Message, message.NextAttemptAt);
        }
        message.Attempts++;
        await db.SaveChangesAsync(CancellationToken.None);
        if (transaction is not null)
            await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    private void ScheduleRetry(OutboxMessage message, DateTime now, string error)
    {
        message.NextAttemptAt = now + RetryDelay(message.Attempts);
        message.LastError = error;
    }

    private void MarkSent(OutboxMessage message)
    {
        message.SentAt = clock.GetUtcNow().UtcDateTime;
        message.LastError = null;
        // The body may hold a single-use link; once delivered it has no reason to stay readable here.
        message.TextBody = "";
        message.HtmlBody = "";
    }

    /// <summary>A message whose address is refused (a logout URI at a private address nobody trusted) stays refused however often it is tried.</summary>
    private void GiveUp(OutboxMessage message, Error refusal, DateTime now)
    {
        message.GaveUpAt = now;
        message.LastError = refusal.Message;
        log.LogWarning("Gave up delivering \"{Subject}\" to {To}: {Error} Retrying cannot help; fix the address.", message.Subject, message.To, refusal.Message);
    }

    private static IQueryable<OutboxMessage> Due(RosterDb db, DateTime now) => db.Database.IsNpgsql()
        ? db.Outbox.FromSql($"""
            SELECT * FROM "Outbox" WHERE "SentAt" IS NULL AND "GaveUpAt" IS NULL AND "NextAttemptAt" <= {now}
            ORDER BY "NextAttemptAt" LIMIT 1 FOR UPDATE SKIP LOCKED
            """)
        : db.Outbox.Where(m => m.SentAt == null && m.GaveUpAt == null && m.NextAttemptAt <= now).OrderBy(m => m.NextAttemptAt).Take(1);

    private TimeSpan RetryDelay(int failedAttempts)
    {
        var settings = options.Value;
        var delay = settings.RetryDelay * Math.Pow(2, Math.Min(failedAttempts, 20));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }
}
