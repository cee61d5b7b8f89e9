using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

/// <summary>
/// Counts failed sign-ins for names that match no account and "locks" them exactly as a real account
/// would be locked, so the lockout message cannot be used to learn which accounts exist. Counted in the
/// database like a real account's failures, so every instance answers alike.
/// </summary>
public sealed class UnknownAccountLockout(CredentialCounters counters, IOptions<AccountOptions> options)
{
    public async Task<bool> IsLockedOutAsync(string normalizedName, CancellationToken cancellationToken = default) =>
        await counters.PeekAsync(LockKey(normalizedName), options.Value.LockoutDuration, cancellationToken) > 0;

    /// <summary>Records a failure and says whether it locked the name: for the lockout duration from now, as an account's lock.</summary>
    public async Task<bool> RecordFailureAsync(string normalizedName, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        // Failures count until a lock, as an account's do; a quiet lockout duration forgets them.
        if (await counters.CountAsync(FailuresKey(normalizedName), settings.LockoutDuration, cancellationToken) % settings.MaxFailedAttempts != 0)
            return false;
        await counters.CountAsync(LockKey(normalizedName), settings.LockoutDuration, cancellationToken);
        return true;
    }

    // The name is whatever was typed: hashed, so any length fits the key and none is stored as typed.
    private static string FailuresKey(string normalizedName) => "unknown:" + Hash(normalizedName);

    private static string LockKey(string normalizedName) => "unknown-locked:" + Hash(normalizedName);

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
