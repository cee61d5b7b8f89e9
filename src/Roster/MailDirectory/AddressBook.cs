using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>
/// The one place an address is checked before Roster publishes it, whatever will receive it: well-formed, in one of
/// the mail domains, not already anyone's (ignoring case), and not the sign-in email of someone else.
/// </summary>
public sealed class AddressBook(RosterDb db)
{
    /// <summary>
    /// A new row for <paramref name="text"/>, not yet added, or why it cannot be had. <paramref name="owner"/> is the
    /// person whose mailbox will receive mail to it, if any.
    /// </summary>
    public async Task<(MailAddress? Address, Error? Error)> ClaimAsync(string? text, MailAddressKind kind, Guid? owner, string field, CancellationToken cancellationToken)
    {
        var (localPart, domainName, error) = MailAddresses.Parse(text, field);
        if (error is not null)
            return (null, error);
        var domain = await db.MailDomains.AsNoTracking().SingleOrDefaultAsync(d => d.Name == domainName, cancellationToken);
        if (domain is null)
            return (null, await OutsideDomainsAsync(domainName, field, cancellationToken));
        var address = $"{localPart}@{domainName}";
        var normalized = MailAddresses.Normalize(address);
        if (await DescribeAsync(normalized, cancellationToken) is { } holder)
            return (null, new("mail.address_taken", $"{address} is already {holder} (addresses ignore case).", field));
        // Mail to someone's sign-in address reaches whoever holds it, and so do their password reset links: only a
        // mailbox of that very person may have it.
        var upper = normalized.ToUpperInvariant();
        var signIn = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == upper).Select(u => new { u.Id, u.Name }).SingleOrDefaultAsync(cancellationToken);
        if (signIn is not null && (kind == MailAddressKind.List || signIn.Id != owner))
            return (null, new("mail.address_is_sign_in_email",
                $"{address} is the sign-in email of {signIn.Name}: only a mailbox of theirs can have it, or their mail (and password reset links) would reach someone else.", field));
        return (new MailAddress
        {
            Id = Guid.CreateVersion7(),
            Address = address,
            NormalizedAddress = normalized,
            DomainId = domain.Id,
            Kind = kind,
        }, null);
    }

    /// <summary>"the mailbox alice@example.org", "an alias of …", "the list …", or null when nobody has the address.</summary>
    public async Task<string?> DescribeAsync(string normalizedAddress, CancellationToken cancellationToken)
    {
        var row = await db.MailAddresses.AsNoTracking().Where(a => a.NormalizedAddress == normalizedAddress)
            .Select(a => new { a.Kind, a.Address, Mailbox = db.Mailboxes.Where(m => m.Id == a.MailboxId).Select(m => m.Address).FirstOrDefault() })
            .SingleOrDefaultAsync(cancellationToken);
        return row?.Kind switch
        {
            null => null,
            MailAddressKind.Mailbox => $"the mailbox {row.Address}",
            MailAddressKind.Alias => $"an alias of the mailbox {row.Mailbox}",
            _ => $"the mailing list {row.Address}",
        };
    }

    /// <summary>Whether the domain of an address (ASCII, lower case) is one of Roster's mail domains.</summary>
    public Task<bool> IsMailDomainAsync(string domainName, CancellationToken cancellationToken) =>
        db.MailDomains.AnyAsync(d => d.Name == domainName, cancellationToken);

    private async Task<Error> OutsideDomainsAsync(string domainName, string field, CancellationToken cancellationToken)
    {
        var domains = await db.MailDomains.AsNoTracking().OrderBy(d => d.Name).Select(d => d.Name).Take(10).ToListAsync(cancellationToken);
        return new("mail.domain_unknown", domains.Count == 0
            ? $"{domainName} is not a mail domain of Roster, and there are none yet: an admin adds them on /mail."
            : $"{domainName} is not a mail domain of Roster; addresses can be in {string.Join(", ", domains)}.", field);
    }
}
