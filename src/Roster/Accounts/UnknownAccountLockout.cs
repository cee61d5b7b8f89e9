using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

/// <summary>
/// Counts failed sign-ins for names that match no account and "locks" them exactly as a real account
/// would be locked, so the lockout message cannot be used to learn which accounts exist.
/// </summary>
public sealed class UnknownAccountLockout(IMemoryCache cache, TimeProvider clock, IOptions<AccountOptions> options)
{
    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset? LockedUntil;
    }

    public bool IsLockedOut(string normalizedName) =>
        cache.TryGetValue(Key(normalizedName), out Failures? failures) && failures!.LockedUntil > clock.GetUtcNow();

    /// <summary>Records a failure and says whether it locked the name.</summary>
    public bool RecordFailure(string normalizedName)
    {
        var settings = options.Value;
        var failures = cache.GetOrCreate(Key(normalizedName), entry =>
        {
            entry.SlidingExpiration = settings.LockoutDuration;
            entry.Size = 1;
            return new Failures();
        })!;
        lock (failures)
        {
            if (++failures.Count < settings.MaxFailedAttempts)
                return false;
            failures.Count = 0;
            failures.LockedUntil = clock.GetUtcNow() + settings.LockoutDuration;
            return true;
        }
    }

    private static string Key(string normalizedName) => "unknown-account:" + normalizedName;
}
