using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Groups;

public sealed class PolicyGroups(RosterDb db) : IPolicyGroups
{
    public async Task<IReadOnlyList<(Guid Id, string Name)>> AllAsync(CancellationToken cancellationToken) =>
        (await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken))
            .Select(g => (g.Id, g.Name)).ToList();

    public async Task<IReadOnlyList<string>> NamesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        await db.Groups.Where(g => ids.Contains(g.Id)).Select(g => g.Name).ToListAsync(cancellationToken);

    public Task<bool> AnyHasMemberAsync(IReadOnlyCollection<Guid> ids, Guid userId, CancellationToken cancellationToken) =>
        db.GroupMembers.AnyAsync(m => m.UserId == userId && ids.Contains(m.GroupId), cancellationToken);
}
