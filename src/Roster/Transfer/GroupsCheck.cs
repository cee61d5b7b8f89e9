using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Groups;

namespace Roster.Transfer;

/// <summary>
/// The groups of an import and who is in them. A group that exists is kept and only gains the members the file gives
/// it; a group a CSV row names that exists nowhere is created. Nobody is ever taken out of a group.
/// </summary>
public sealed class GroupsCheck(RosterDb db, TimeProvider clock)
{
    public static bool IsName(string name) =>
        name.Length is > 0 and <= GroupChanges.MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    public async Task CheckAsync(ImportSource source, PreparedImport prepared, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.Groups.AsNoTracking().Select(g => new { g.Id, g.NormalizedName, g.Name }).ToListAsync(cancellationToken);
        foreach (var group in existing)
            prepared.GroupsByName[group.NormalizedName] = group.Id;
        var existingIds = existing.Select(g => g.Id).ToHashSet();
        var lines = new Dictionary<string, (int Line, string Name, bool Exists)>();
        foreach (var group in existing)
            lines[group.NormalizedName] = (0, group.Name, true);

        void Create(int line, string name, string description, Guid? id)
        {
            var created = new Group
            {
                Id = id is { } given && !existingIds.Contains(given) ? given : Guid.CreateVersion7(),
                Name = name, NormalizedName = name.ToUpperInvariant(), Description = description, CreatedAt = now, UpdatedAt = now,
            };
            prepared.Groups.Add(created);
            prepared.GroupsByName[created.NormalizedName] = created.Id;
            lines[created.NormalizedName] = (line, name, false);
            prepared.Lines.Add(new(line, "group", name, ImportAction.Create, description));
        }

        var seen = new Dictionary<string, int>();
        foreach (var group in source.Groups)
        {
            var name = group.Name.Trim();
            if (!IsName(name))
                prepared.Problems.Add(new(group.Line, $"\"{name}\" is not a group name (1 to {GroupChanges.MaxNameLength} letters, digits, dots and hyphens)."));
            else if (group.Description.Length > 1000)
                prepared.Problems.Add(new(group.Line, $"{name}: the description is longer than 1000 characters."));
            else if (!seen.TryAdd(name.ToUpperInvariant(), group.Line))
                prepared.Problems.Add(new(group.Line, $"The group {name} is also on line {seen[name.ToUpperInvariant()]}."));
            else if (lines.TryGetValue(name.ToUpperInvariant(), out var known) && known.Exists)
                lines[name.ToUpperInvariant()] = (group.Line, known.Name, true);
            else
                Create(group.Line, name, group.Description, group.Id);
        }

        var wanted = source.People
            .SelectMany(p => p.Groups.Select(g => new IncomingMembership(p.Line, g, p.Username)))
            .Concat(source.Memberships).ToList();
        foreach (var membership in wanted.Where(m => IsName(m.Group.Trim()) && !prepared.GroupsByName.ContainsKey(m.Group.Trim().ToUpperInvariant())))
            Create(membership.Line, membership.Group.Trim(), "", null);

        var current = (await db.GroupMembers.AsNoTracking().Select(m => new { m.GroupId, m.UserId }).ToListAsync(cancellationToken))
            .Select(m => (m.GroupId, m.UserId)).ToHashSet();
        var added = new Dictionary<string, int>();
        foreach (var membership in wanted)
        {
            var group = membership.Group.Trim().ToUpperInvariant();
            if (!prepared.GroupsByName.TryGetValue(group, out var groupId))
                continue;
            if (!prepared.PeopleByName.TryGetValue(membership.Username.Trim().ToUpperInvariant(), out var userId))
            {
                // A person the file names but could not take (reported with their own line), or a member DN of an entry that is not a
                // person (LDIF groups often list their directory's admin): left out, and said so.
                if (!source.People.Any(p => string.Equals(p.Username.Trim(), membership.Username.Trim(), StringComparison.OrdinalIgnoreCase)))
                    prepared.Lines.Add(new(membership.Line, "member", $"{membership.Username} in {membership.Group}", ImportAction.Skip, "no such person in the file or in Roster"));
                continue;
            }
            if (!current.Add((groupId, userId)))
                continue;
            prepared.Memberships.Add(new GroupMember { GroupId = groupId, UserId = userId, AddedAt = clock.GetUtcNow().UtcDateTime });
            added[group] = added.GetValueOrDefault(group) + 1;
        }
        foreach (var (group, (line, name, exists)) in lines.Where(l => l.Value.Exists && (l.Value.Line > 0 || added.ContainsKey(l.Key))))
        {
            var count = added.GetValueOrDefault(group);
            var at = line > 0 ? line : wanted.First(m => m.Group.Trim().ToUpperInvariant() == group).Line;
            prepared.Lines.Add(count > 0
                ? new(at, "group", name, ImportAction.Change, $"{count} member{(count == 1 ? "" : "s")} added")
                : new(at, "group", name, ImportAction.Skip, "already exists with these members"));
        }
    }
}
