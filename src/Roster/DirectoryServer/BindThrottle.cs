using System.Net;
using System.Threading.RateLimiting;
using Roster.Accounts;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// Failed LDAP binds per client address and bind name. An app server relays many people's sign-ins from one
/// address, so one person's typos must not lock out the others or the app's own service account: each name
/// (normalised, so case and spacing make no new one) has its own allowance of
/// <see cref="RateLimitOptions.CredentialAttemptsPerMinute"/> per address. One address spraying many names is
/// still slowed by a ceiling for the address as a whole, <see cref="RateLimitOptions.FailedBindsPerAddressPerMinute"/>,
/// ten times higher by default. Password guessing itself is stopped by the account lockout, which the web
/// sign-in shares and every instance sees; these counts live in this instance's memory, as they exist to spare
/// the database a flood of look-ups and would cost one if shared.
/// </summary>
public sealed class BindThrottle(RateLimitOptions settings)
{
    private readonly PartitionedRateLimiter<string> perName = PerMinute(settings.CredentialAttemptsPerMinute);
    private readonly PartitionedRateLimiter<string> perAddress = PerMinute(settings.FailedBindsPerAddressPerMinute);

    public bool IsBlocked(IPAddress address, DistinguishedName name) =>
        IsSpent(perAddress, address.ToString()) || IsSpent(perName, Key(address, name));

    public void RecordFailure(IPAddress address, DistinguishedName name)
    {
        perAddress.AttemptAcquire(address.ToString()).Dispose();
        perName.AttemptAcquire(Key(address, name)).Dispose();
    }

    private static bool IsSpent(PartitionedRateLimiter<string> limiter, string key) => limiter.GetStatistics(key)?.CurrentAvailablePermits == 0;

    // Names are counted only while their address is under its ceiling, so one address holds at most that many keys.
    private static string Key(IPAddress address, DistinguishedName name) => address + " " + name.Normalized;

    private static PartitionedRateLimiter<string> PerMinute(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) }));
}
