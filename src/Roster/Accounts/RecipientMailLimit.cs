using System.Security.Cryptography;
using System.Text;

namespace Roster.Accounts;

/// <summary>
/// At most a few reset and invitation emails per address and hour, whoever asks for them, so nobody can fill a
/// person's inbox through Roster. Counted in the database (<see cref="CredentialCounters"/>), so the limit holds
/// across instances; the key is a hash of the normalised address, so the counters hold no addresses.
/// </summary>
public sealed class RecipientMailLimit(CredentialCounters counters, RateLimitOptions options)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Counts one email to <paramref name="address"/>; false when it is over the limit and must not be sent.</summary>
    public async Task<bool> TryCountAsync(string address, CancellationToken cancellationToken = default) =>
        await counters.CountAsync(KeyFor(address), Window, cancellationToken) <= options.LinkEmailsPerRecipientPerHour;

    /// <summary>The refusal an administrator sees; a person asking for their own reset sees nothing of it.</summary>
    public Error Refusal(string address) => new("mail.recipient_limit",
        $"{address} was already sent {options.LinkEmailsPerRecipientPerHour} emails with links this hour; try again later.");

    private static string KeyFor(string address) =>
        "mail:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToUpperInvariant())));
}
