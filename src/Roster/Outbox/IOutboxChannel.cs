namespace Roster.Outbox;

/// <summary>
/// What a feature implements to deliver the messages of its channel, and registers with
/// <see cref="OutboxSetup.AddOutboxChannel{TChannel}"/>. It is resolved in the scope the sender opens for the
/// message, so what it adds to that scope's <see cref="Data.RosterDb"/> is saved with the message marked delivered.
/// </summary>
public interface IOutboxChannel
{
    OutboxChannel Channel { get; }

    /// <summary>Null once delivered; a refusal when no retry can succeed, which gives the message up. Throws to be retried with backoff.</summary>
    Task<Error?> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}
