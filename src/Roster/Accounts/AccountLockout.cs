using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

/// <summary>What a failed credential counts toward: the account's passwords, or its second factors.</summary>
public enum CredentialKind
{
    /// <summary>Passwords and what stands in for one: current-password prompts, LDAP binds, temporary and one-time passwords.</summary>
    Password,

    /// <summary>Authenticator and recovery codes. Counted apart, so a right password never wipes the count of wrong codes.</summary>
    SecondFactor,
}

/// <summary>
/// The one lockout for every credential check. Failures are counted in the database per account and kind
/// (<see cref="CredentialCounters"/>), in windows of the lockout duration: the count of a real account and
/// of a name that matches no account start, grow and expire alike, and both lock for the same time, so
/// neither the lockout message nor its timing tells which accounts exist.
/// </summary>
public sealed class AccountLockout(CredentialCounters counters, IOptions<AccountOptions> options, TimeProvider clock)
{
    private AccountOptions Settings => options.Value;

    /// <summary>
    /// Counts a failed credential of <paramref name="user"/> and says whether the account is now locked. The
    /// lock is the account's lockout end, which the caller saves. Nothing else of the account is written, so a
    /// failure for a real name costs what one for an unknown name does (Identity's own count stays unused).
    /// </summary>
    public async Task<bool> RecordFailureAsync(User user, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        var count = await counters.CountAsync(FailuresKey(user, kind), Settings.LockoutDuration, cancellationToken);
        if (count % Settings.MaxFailedAttempts != 0)
            return false;
        user.LockoutEnd = clock.GetUtcNow() + Settings.LockoutDuration;
        return true;
    }

    /// <summary>After a credential of this kind was right: its count starts again. The other kind's count stays.</summary>
    public async Task ResetAsync(User user, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        // Looked at first: most sign-ins follow no failure, and a read costs less than a write.
        if (await FailuresAsync(user, kind, cancellationToken) > 0)
            await counters.ForgetAsync(FailuresKey(user, kind), cancellationToken);
    }

    /// <summary>Ends a lock early (an admin's unlock, a password reset): both counts start again.</summary>
    public async Task UnlockAsync(User user, CancellationToken cancellationToken = default)
    {
        await counters.ForgetAsync(FailuresKey(user, CredentialKind.Password), cancellationToken);
        await counters.ForgetAsync(FailuresKey(user, CredentialKind.SecondFactor), cancellationToken);
        user.LockoutEnd = null;
    }

    public bool IsLockedOut(User user) => user.LockoutEnd is { } end && end > clock.GetUtcNow();

    public async Task<bool> IsUnknownNameLockedOutAsync(string normalizedName, CancellationToken cancellationToken = default) =>
        await counters.PeekAsync(UnknownLockKey(normalizedName), Settings.LockoutDuration, cancellationToken) > 0;

    /// <summary>Records a failure for a name that matches no account and says whether it locked the name, exactly as for an account.</summary>
    public async Task<bool> RecordUnknownNameFailureAsync(string normalizedName, CancellationToken cancellationToken = default)
    {
        if (await counters.CountAsync(UnknownFailuresKey(normalizedName), Settings.LockoutDuration, cancellationToken) % Settings.MaxFailedAttempts != 0)
            return false;
        await counters.CountAsync(UnknownLockKey(normalizedName), Settings.LockoutDuration, cancellationToken);
        return true;
    }

    /// <summary>The failures counted for the account in the current window, as the lockout sees them.</summary>
    public Task<int> FailuresAsync(User user, CredentialKind kind, CancellationToken cancellationToken = default) =>
        counters.PeekAsync(FailuresKey(user, kind), Settings.LockoutDuration, cancellationToken);

    private static string FailuresKey(User user, CredentialKind kind) =>
        (kind == CredentialKind.Password ? "account:" : "second-factor:") + user.Id.ToString("N");

    // The name is whatever was typed: hashed, so any length fits the key and none is stored as typed.
    private static string UnknownFailuresKey(string normalizedName) => "unknown:" + Hash(normalizedName);

    private static string UnknownLockKey(string normalizedName) => "unknown-locked:" + Hash(normalizedName);

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
