namespace Roster.Tests.Infrastructure;

/// <summary>A clock the test moves by hand, so expiry is tested without sleeping.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
