using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Groups;

namespace Roster.MailDirectory;

internal sealed class GroupMailUses(RosterDb db) : IGroupMailUses
{
    public async Task<IReadOnlyList<string>> AddressesAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var mailboxes = await db.Mailboxes.Where(m => m.GroupId == groupId).Select(m => m.Address).ToListAsync(cancellationToken);
        var lists = await db.MailingListMembers.Where(m => m.GroupId == groupId)
            .Join(db.MailingLists, m => m.ListId, l => l.Id, (_, l) => l.Address).ToListAsync(cancellationToken);
        return [.. mailboxes.Concat(lists).Order(StringComparer.OrdinalIgnoreCase)];
    }
}
