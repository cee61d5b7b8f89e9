using System.Security.Cryptography;

namespace Roster.Oidc;

public enum DeviceCodeStatus
{
    /// <summary>Nobody has entered the user code and decided yet.</summary>
    Pending,

    /// <summary>A person approved: a <see cref="Grant"/> whose code is the device code waits to be redeemed (<see cref="IGrantStore.FindCodeAsync"/>).</summary>
    Approved,
    Denied,
}

/// <summary>A device authorization request (RFC 8628 section 3.2) as the token endpoint sees it when the device polls.</summary>
public sealed record DeviceCodeState(string ClientId, DeviceCodeStatus Status, DateTimeOffset ExpiresAt, int IntervalSeconds, DateTimeOffset? LastPolledAt);

/// <summary>
/// Device authorization requests, shared by every instance. Device and user codes are handed over as issued;
/// the store keeps only their hashes. When a person approves one, the host adds a <see cref="Grant"/> whose code
/// is the device code, so its redemption, single use and revocation are those of an authorization code.
/// </summary>
public interface IDeviceCodeStore
{
    /// <summary>False when a live request already has <paramref name="userCode"/> (normalized, <see cref="UserCodes.Normalize"/>): the caller draws another.</summary>
    Task<bool> TryAddAsync(string clientId, string deviceCode, string userCode, string scope, DateTimeOffset expiresAt, int intervalSeconds, CancellationToken cancellationToken);

    Task<DeviceCodeState?> FindAsync(string deviceCode, CancellationToken cancellationToken);

    /// <summary>Remembers when the device last polled, and the interval it must keep from now on (section 3.5).</summary>
    Task RecordPollAsync(string deviceCode, DateTimeOffset polledAt, int intervalSeconds, CancellationToken cancellationToken);
}

/// <summary>
/// The user code a person types on a second screen (RFC 8628 section 6.1): eight letters from twenty consonants
/// (no vowels, so no words; no I/O/U/Y, so nothing looks like a digit), shown as XXXX-XXXX: about 34 bits, which the
/// short lifetime and the host's limit on wrong entries make unguessable. Typed case and dashes do not matter.
/// </summary>
public static class UserCodes
{
    public const string Alphabet = "BCDFGHJKLMNPQRSTVWXZ";
    public const int Length = 8;

    /// <summary>A new code, normalized (no dash).</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The code as shown to people: XXXX-XXXX.</summary>
    public static string Display(string normalized) => normalized[..4] + "-" + normalized[4..];

    /// <summary>The code as typed, upper-cased with dashes and spaces removed; null when it cannot be a user code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 32)
            return null;
        var code = new string([.. typed.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);
        return code.Length == Length && code.All(Alphabet.Contains) ? code : null;
    }
}
