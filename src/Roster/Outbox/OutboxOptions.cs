namespace Roster.Outbox;

/// <summary>
/// When a failed delivery is tried again, whatever its channel. The keys sit in the Smtp section because the
/// outbox carried only mail when they were introduced; they stay there so existing settings keep working.
/// </summary>
public sealed class OutboxOptions
{
    public const string Section = "Roster:Smtp";

    /// <summary>First retry delay after a failed delivery; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(15);
}
