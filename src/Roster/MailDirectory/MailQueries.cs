using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.MailDirectory;

public sealed record MailDomainDto(Guid Id, string Name, int Addresses);

/// <summary>Owner is "person" or "group"; Published says whether the mail server sees the mailbox now (enabled, and its person enabled).</summary>
public sealed record MailboxDto(Guid Id, string Address, IReadOnlyList<string> Aliases, string OwnerKind, Guid OwnerId, string OwnerName, bool Enabled, bool Published);

public sealed record MailingListDto(Guid Id, string Address, string Description, bool MembersOnly, int Members);

/// <summary>Kind is "person", "group" or "address"; Id is the person's or group's id, null for an address.</summary>
public sealed record ListMemberDto(Guid MemberId, string Kind, Guid? Id, string Name, string? Address);

public sealed record MailingListDetailDto(Guid Id, string Address, string Description, bool MembersOnly, IReadOnlyList<ListMemberDto> Members);

/// <summary>What the mail pages, the API and the command line show: one read of each, so all three agree.</summary>
public sealed class MailQueries(RosterDb db)
{
    public Task<List<MailDomainDto>> DomainsAsync(CancellationToken cancellationToken) =>
        db.MailDomains.AsNoTracking().OrderBy(d => d.Name)
            .Select(d => new MailDomainDto(d.Id, d.Name, db.MailAddresses.Count(a => a.DomainId == d.Id)))
            .ToListAsync(cancellationToken);

    /// <summary>Every mailbox, or those of one person (<paramref name="userId"/>), by address.</summary>
    public async Task<List<MailboxDto>> MailboxesAsync(Guid? userId, CancellationToken cancellationToken, Guid? id = null)
    {
        var rows = await db.Mailboxes.AsNoTracking()
            .Where(m => (userId == null || m.UserId == userId) && (id == null || m.Id == id))
            .OrderBy(m => m.Address)
            .Select(m => new
            {
                Mailbox = m,
                Person = db.Users.Where(u => u.Id == m.UserId).Select(u => new { u.UserName, u.Email, u.Name, u.Enabled, u.InvitationPending }).FirstOrDefault(),
                Group = db.Groups.Where(g => g.Id == m.GroupId).Select(g => g.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Mailbox.Id).ToList();
        var aliases = (await db.MailAddresses.AsNoTracking().Where(a => a.Kind == MailAddressKind.Alias && ids.Contains(a.MailboxId!.Value))
            .Select(a => new { a.MailboxId, a.Address }).ToListAsync(cancellationToken)).ToLookup(a => a.MailboxId!.Value, a => a.Address);
        return [.. rows.Select(r => new MailboxDto(
            r.Mailbox.Id,
            r.Mailbox.Address,
            [.. aliases[r.Mailbox.Id].Order(StringComparer.OrdinalIgnoreCase)],
            r.Mailbox.UserId is null ? "group" : "person",
            r.Mailbox.UserId ?? r.Mailbox.GroupId!.Value,
            r.Person is { } p ? $"{p.Name} ({p.UserName ?? p.Email})" : r.Group ?? "",
            r.Mailbox.Enabled,
            r.Mailbox.Enabled && (r.Person is null || r.Person.Enabled && !r.Person.InvitationPending)))];
    }

    public async Task<MailboxDto?> MailboxAsync(Guid id, CancellationToken cancellationToken) =>
        (await MailboxesAsync(null, cancellationToken, id)).SingleOrDefault();

    public Task<List<MailingListDto>> ListsAsync(CancellationToken cancellationToken) =>
        db.MailingLists.AsNoTracking().OrderBy(l => l.Address)
            .Select(l => new MailingListDto(l.Id, l.Address, l.Description, l.MembersOnly, db.MailingListMembers.Count(m => m.ListId == l.Id)))
            .ToListAsync(cancellationToken);

    public async Task<MailingListDetailDto?> ListAsync(Guid id, CancellationToken cancellationToken)
    {
        var list = await db.MailingLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (list is null)
            return null;
        var members = await db.MailingListMembers.AsNoTracking().Where(m => m.ListId == id)
            .Select(m => new
            {
                m.Id,
                m.UserId,
                m.GroupId,
                m.Address,
                Person = db.Users.Where(u => u.Id == m.UserId).Select(u => new { u.Name, u.UserName, u.Email }).FirstOrDefault(),
                Group = db.Groups.Where(g => g.Id == m.GroupId).Select(g => g.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var shown = members.Select(m => m.UserId is not null ? new ListMemberDto(m.Id, "person", m.UserId, m.Person!.Name, m.Person.UserName ?? m.Person.Email)
                : m.GroupId is not null ? new ListMemberDto(m.Id, "group", m.GroupId, m.Group!, null)
                : new ListMemberDto(m.Id, "address", null, m.Address!, m.Address))
            .OrderBy(m => m.Kind).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase);
        return new MailingListDetailDto(list.Id, list.Address, list.Description, list.MembersOnly, [.. shown]);
    }
}
