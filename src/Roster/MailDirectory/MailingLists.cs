using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>Who a change adds to a list: people by username, email or id; groups by name; addresses outside Roster's people.</summary>
public sealed record ListMembers(IReadOnlyList<string>? People = null, IReadOnlyList<string>? Groups = null, IReadOnlyList<string>? Addresses = null)
{
    public static ListMembers From(IEnumerable<string>? people, IEnumerable<string>? groups, IEnumerable<string>? addresses) =>
        new(Clean(people), Clean(groups), Clean(addresses));

    /// <summary>Splits what a person typed into one field: commas, semicolons, spaces and lines all separate names.</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<string> Clean(IEnumerable<string>? names) =>
        [.. (names ?? []).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    public bool IsEmpty => (People?.Count ?? 0) + (Groups?.Count ?? 0) + (Addresses?.Count ?? 0) == 0;
}

/// <summary>Mailing lists and who is on them: mail managers and above.</summary>
public sealed class MailingLists(RosterDb db, AddressBook addresses, AccountLookup accounts, AuditLog audit, TimeProvider clock)
{
    public const int MaxDescriptionLength = 1000;

    public async Task<Result<MailingList>> CreateAsync(Actor actor, string? address, string? description, bool membersOnly, ListMembers? members = null,
        CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageMail(actor.Role))
            return MailErrors.Forbidden;
        var list = new MailingList { Id = Guid.CreateVersion7(), MembersOnly = membersOnly, CreatedAt = Now(), UpdatedAt = Now() };
        var errors = new List<Error>();
        var (row, error) = await addresses.ClaimAsync(address, MailAddressKind.List, null, "Address", cancellationToken);
        if (error is not null)
            errors.Add(error);
        if (CheckDescription(description) is { } tooLong)
            errors.Add(tooLong);
        if (errors.Count > 0)
            return Result<MailingList>.Fail(errors);
        list.Address = row!.Address;
        list.Description = UserRules.Clean(description);
        row.ListId = list.Id;
        db.MailingLists.Add(list);
        db.MailAddresses.Add(row);
        if (members is { IsEmpty: false } && await AddAsync(actor, list, row.NormalizedAddress, members, cancellationToken) is { } memberError)
            return memberError;
        audit.Record(AuditActions.MailingListCreated, actor, details: list.Address + (membersOnly ? " (members only may post)" : ""));
        return await SaveAsync(list, cancellationToken);
    }

    public async Task<Result<MailingList>> UpdateAsync(Actor actor, Guid id, string? description, bool? membersOnly, CancellationToken cancellationToken = default)
    {
        var (list, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        if (description is not null && CheckDescription(description) is { } tooLong)
            return tooLong;
        var changes = new List<string>();
        if (description is not null && UserRules.Clean(description) != list!.Description)
        {
            list.Description = UserRules.Clean(description);
            changes.Add("description");
        }
        if (membersOnly is { } only && only != list!.MembersOnly)
        {
            list.MembersOnly = only;
            changes.Add(only ? "members only may post" : "anyone may post");
        }
        if (changes.Count == 0)
            return Result<MailingList>.Ok(list!);
        audit.Record(AuditActions.MailingListUpdated, actor, details: $"{list!.Address}: {string.Join(", ", changes)}");
        return await SaveAsync(list, cancellationToken);
    }

    public async Task<Result<MailingList>> DeleteAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var (list, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var normalized = MailAddresses.Normalize(list!.Address);
        var containing = await db.MailingListMembers.Where(m => m.Address == normalized)
            .Join(db.MailingLists, m => m.ListId, l => l.Id, (_, l) => l.Address).ToListAsync(cancellationToken);
        if (containing.Count > 0)
            return new Error("mail.list_in_use", $"{list.Address} is a member of {string.Join(", ", containing)}. Remove it there first, so their mail does not bounce.");
        db.MailingLists.Remove(list);
        audit.Record(AuditActions.MailingListDeleted, actor, details: list.Address);
        return await SaveAsync(list, cancellationToken);
    }

    /// <summary>Adds people, groups and external addresses. Anything unknown or refused refuses the whole change.</summary>
    public async Task<Result<MailingList>> AddMembersAsync(Actor actor, Guid id, ListMembers members, CancellationToken cancellationToken = default)
    {
        var (list, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        if (members.IsEmpty)
            return new Error("mail.members_none", "Name at least one member: a person, a group or an address.", "Members");
        if (await AddAsync(actor, list!, MailAddresses.Normalize(list!.Address), members, cancellationToken) is { } error)
            return error;
        return await SaveAsync(list, cancellationToken);
    }

    public async Task<Result<MailingList>> RemoveMemberAsync(Actor actor, Guid id, Guid memberId, CancellationToken cancellationToken = default)
    {
        var (list, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var member = await db.MailingListMembers.SingleOrDefaultAsync(m => m.Id == memberId && m.ListId == id, cancellationToken);
        if (member is null)
            return Error.NotFound("not_found", $"There is no such member of {list!.Address}.");
        db.MailingListMembers.Remove(member);
        audit.Record(AuditActions.MailingListMemberRemoved, actor, details: $"{list!.Address}: {await NameAsync(member, cancellationToken)}");
        return await SaveAsync(list, cancellationToken);
    }

    private async Task<Error?> AddAsync(Actor actor, MailingList list, string listAddress, ListMembers members, CancellationToken cancellationToken)
    {
        var existing = await db.MailingListMembers.AsNoTracking().Where(m => m.ListId == list.Id).ToListAsync(cancellationToken);
        var people = members.People ?? [];
        var found = await accounts.FindByNamesAsync(people, cancellationToken);
        var unknown = people.Where(p => !found.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
            return new Error("mail.members_unknown", $"No account matches {string.Join(", ", unknown)}. Nobody was added.", "People");
        var groupNames = (members.Groups ?? []).Select(g => g.ToUpperInvariant()).ToList();
        var groups = await db.Groups.AsNoTracking().Where(g => groupNames.Contains(g.NormalizedName)).Select(g => new { g.Id, g.Name, g.NormalizedName }).ToListAsync(cancellationToken);
        var unknownGroups = (members.Groups ?? []).Where(g => groups.All(found => found.NormalizedName != g.ToUpperInvariant())).ToList();
        if (unknownGroups.Count > 0)
            return new Error("mail.members_unknown", $"There is no group called {string.Join(", ", unknownGroups)}. Nobody was added.", "Groups");
        var externals = new List<string>();
        foreach (var text in members.Addresses ?? [])
        {
            var (localPart, domain, error) = MailAddresses.Parse(text, "Addresses");
            if (error is not null)
                return error;
            var address = MailAddresses.Normalize($"{localPart}@{domain}");
            if (address == listAddress)
                return new Error("mail.list_contains_itself", $"{list.Address} cannot be a member of itself: its mail would go round for ever.", "Addresses");
            // An address in Roster's own domains must be someone's: otherwise the list would bounce a copy of every message.
            if (await addresses.IsMailDomainAsync(domain, cancellationToken) && await addresses.DescribeAsync(address, cancellationToken) is null)
                return new Error("mail.address_unknown", $"No mailbox, alias or list has the address {address}, which is in Roster's mail domain {domain}.", "Addresses");
            if (await LoopThroughAsync(address, listAddress, cancellationToken) is { } path)
                return new Error("mail.list_contains_itself", $"{list.Address} would contain itself through {path}: its mail would go round for ever.", "Addresses");
            externals.Add(address);
        }
        foreach (var user in found.Values.DistinctBy(u => u.Id).Where(u => existing.All(m => m.UserId != u.Id)))
        {
            db.MailingListMembers.Add(new MailingListMember { Id = Guid.CreateVersion7(), ListId = list.Id, UserId = user.Id });
            audit.Record(AuditActions.MailingListMemberAdded, actor, user, list.Address);
        }
        foreach (var group in groups.Where(g => existing.All(m => m.GroupId != g.Id)))
        {
            db.MailingListMembers.Add(new MailingListMember { Id = Guid.CreateVersion7(), ListId = list.Id, GroupId = group.Id });
            audit.Record(AuditActions.MailingListMemberAdded, actor, details: $"{list.Address}: group {group.Name}");
        }
        foreach (var address in externals.Distinct().Where(a => existing.All(m => m.Address != a)))
        {
            db.MailingListMembers.Add(new MailingListMember { Id = Guid.CreateVersion7(), ListId = list.Id, Address = address });
            audit.Record(AuditActions.MailingListMemberAdded, actor, details: $"{list.Address}: {address}");
        }
        return null;
    }

    /// <summary>"b@… → a@…" when the list at <paramref name="address"/> reaches <paramref name="target"/> through the lists it contains.</summary>
    private async Task<string?> LoopThroughAsync(string address, string target, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string> { address };
        var paths = new Queue<List<string>>([[address]]);
        while (paths.TryDequeue(out var path))
        {
            var last = path[^1];
            var listId = await db.MailAddresses.Where(a => a.NormalizedAddress == last && a.Kind == MailAddressKind.List).Select(a => a.ListId).SingleOrDefaultAsync(cancellationToken);
            if (listId is null)
                continue;
            foreach (var next in await db.MailingListMembers.Where(m => m.ListId == listId && m.Address != null).Select(m => m.Address!).ToListAsync(cancellationToken))
            {
                if (next == target)
                    return string.Join(" → ", path.Append(next));
                if (seen.Add(next))
                    paths.Enqueue([.. path, next]);
            }
        }
        return null;
    }

    private async Task<string> NameAsync(MailingListMember member, CancellationToken cancellationToken) =>
        member.Address ?? (member.UserId is { } userId
            ? await db.Users.Where(u => u.Id == userId).Select(u => u.UserName ?? u.Email ?? u.Name).SingleAsync(cancellationToken)
            : "group " + await db.Groups.Where(g => g.Id == member.GroupId).Select(g => g.Name).SingleAsync(cancellationToken));

    private static Error? CheckDescription(string? description) =>
        UserRules.Clean(description).Length > MaxDescriptionLength
            ? new Error("mail.description_too_long", $"A description can have at most {MaxDescriptionLength} characters.", "Description")
            : null;

    private async Task<(MailingList? List, Error? Refusal)> FindAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!Permissions.MayManageMail(actor.Role))
            return (null, MailErrors.Forbidden);
        var list = await db.MailingLists.FindAsync([id], cancellationToken);
        return list is null ? (null, MailErrors.ListNotFound) : (list, null);
    }

    private async Task<Result<MailingList>> SaveAsync(MailingList list, CancellationToken cancellationToken)
    {
        list.UpdatedAt = Now();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return MailErrors.Conflict;
        }
        return Result<MailingList>.Ok(list);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
