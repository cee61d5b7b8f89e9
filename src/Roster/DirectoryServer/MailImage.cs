using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.MailDirectory;

namespace Roster.DirectoryServer;

/// <summary>
/// The mail directory's rows as LDAP serves them: read whole whenever a mail table changes (a few rows per mailbox and
/// list, small beside the people), and never changed after, so searches read it without a lock. Entries are made from
/// it at lookup with the current people and groups (<see cref="DirectoryImage"/>), so a disabled person's mailboxes
/// vanish and a group's new member is on its lists in the very next answer.
/// </summary>
internal sealed class MailImage
{
    public static MailImage Empty { get; } = new([], [], []);

    private readonly Dictionary<string, DomainRow> domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, object> byAddress = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILookup<Guid, MailboxRow> mailboxesOfPerson;

    private MailImage(IEnumerable<DomainRow> domainRows, IReadOnlyList<MailboxRow> mailboxRows, IReadOnlyList<ListRow> listRows)
    {
        foreach (var domain in domainRows)
            domains[domain.Name] = domain;
        foreach (var mailbox in mailboxRows)
            foreach (var address in mailbox.Aliases.Prepend(mailbox.Address))
                byAddress[address] = mailbox;
        foreach (var list in listRows)
            byAddress[list.Address] = list;
        Mailboxes = mailboxRows;
        Lists = listRows;
        // The oldest mailbox is a person's own address, the one their lists deliver to.
        mailboxesOfPerson = mailboxRows.Where(m => m.UserId is not null).OrderBy(m => m.Created).ToLookup(m => m.UserId!.Value);
    }

    public IEnumerable<DomainRow> Domains => domains.Values;
    public IReadOnlyList<MailboxRow> Mailboxes { get; }
    public IReadOnlyList<ListRow> Lists { get; }

    public DomainRow? Domain(string name) => domains.GetValueOrDefault(name);

    /// <summary>The mailbox or list an address (its own, or an alias) belongs to.</summary>
    public object? Holder(string address) => byAddress.GetValueOrDefault(address);

    /// <summary>A person's enabled mailboxes, oldest first.</summary>
    public IEnumerable<MailboxRow> MailboxesOf(Guid userId) => mailboxesOfPerson[userId].Where(m => m.Enabled);

    public static async Task<MailImage> LoadAsync(RosterDb db, CancellationToken cancellationToken)
    {
        var domainRows = await db.MailDomains.AsNoTracking().Select(d => new DomainRow(d.Id, d.Name, d.CreatedAt)).ToListAsync(cancellationToken);
        var aliases = (await db.MailAddresses.AsNoTracking().Where(a => a.Kind == MailAddressKind.Alias)
            .Select(a => new { a.MailboxId, a.Address }).ToListAsync(cancellationToken)).ToLookup(a => a.MailboxId!.Value, a => a.Address);
        var mailboxRows = (await db.Mailboxes.AsNoTracking().ToListAsync(cancellationToken))
            .Select(m => new MailboxRow(m.Id, m.Address, [.. aliases[m.Id].Order(StringComparer.OrdinalIgnoreCase)], m.UserId, m.GroupId, m.Enabled, m.CreatedAt, m.UpdatedAt))
            .ToList();
        var members = (await db.MailingListMembers.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(m => m.ListId);
        var listRows = (await db.MailingLists.AsNoTracking().ToListAsync(cancellationToken))
            .Select(l => new ListRow(l.Id, l.Address, l.Description, l.MembersOnly,
                [.. members[l.Id].Where(m => m.UserId is not null).Select(m => m.UserId!.Value)],
                [.. members[l.Id].Where(m => m.GroupId is not null).Select(m => m.GroupId!.Value)],
                [.. members[l.Id].Where(m => m.Address is not null).Select(m => m.Address!)],
                l.CreatedAt, l.UpdatedAt))
            .ToList();
        return new MailImage(domainRows, mailboxRows, listRows);
    }

    internal sealed record DomainRow(Guid Id, string Name, DateTime Created);

    internal sealed record MailboxRow(Guid Id, string Address, string[] Aliases, Guid? UserId, Guid? GroupId, bool Enabled, DateTime Created, DateTime Modified);

    internal sealed record ListRow(Guid Id, string Address, string Description, bool MembersOnly, Guid[] People, Guid[] Groups, string[] Addresses, DateTime Created, DateTime Modified);
}
