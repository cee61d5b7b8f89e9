using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Users;

public enum UserSort
{
    Updated,
    Name,
    Role,
}

public enum UserStatus
{
    Enabled,
    Disabled,
    Invited,
}

public sealed record UserQuery(string? Search = null, UserSort Sort = UserSort.Updated, UserStatus? Status = null, int Page = 1, int? PageSize = null);

public sealed record UserRow(Guid Id, string Name, string? Username, string? Email, Role Role, UserStatus Status, DateTime UpdatedAt, bool HasAvatar);

/// <summary>One page of the list. <see cref="Total"/> is null for a search too common to count quickly; <see cref="HasMore"/> always holds.</summary>
public sealed record UserPage(IReadOnlyList<UserRow> Rows, int Page, int PageSize, int? Total, bool HasMore)
{
    public int? Pages => Total is { } total ? Math.Max(1, (total + PageSize - 1) / PageSize) : null;
}

/// <summary>The users list: search, filter, sort and page, the same for the dashboard, the API and the CLI.</summary>
public sealed class UserList(RosterDb db, IOptions<UserOptions> options)
{
    public const int MaxPageSize = 500;

    public async Task<UserPage> QueryAsync(Actor viewer, UserQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize ?? options.Value.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, query.Page);
        var seeAllEmails = Permissions.MayManageUsers(viewer.Role);
        var viewerId = viewer.User?.Id;
        var (users, common) = string.IsNullOrWhiteSpace(query.Search)
            ? (db.Users, false)
            : await UserSearch.MatchingAsync(db, query.Search.Trim(), cancellationToken);
        if (!seeAllEmails && !string.IsNullOrWhiteSpace(query.Search))
            users = UserSearch.MatchingWhatTheViewerSees(users, query.Search.Trim(), viewerId);
        users = query.Status switch
        {
            UserStatus.Invited => users.Where(u => u.InvitationPending),
            UserStatus.Enabled => users.Where(u => u.Enabled && !u.InvitationPending),
            UserStatus.Disabled => users.Where(u => !u.Enabled && !u.InvitationPending),
            _ => users,
        };
        int? total = common ? null : await users.CountAsync(cancellationToken);
        // The page's ids come from the sort index alone (a deferred join): a deep OFFSET then skips
        // index entries instead of reading every skipped row. One id more tells whether a next page exists.
        var pageIds = await Sort(users, query.Sort).Skip((page - 1) * pageSize).Take(pageSize + 1).Select(u => u.Id).ToListAsync(cancellationToken);
        var hasMore = pageIds.Count > pageSize;
        pageIds = [.. pageIds.Take(pageSize)];
        var sorted = Sort(db.Users.AsNoTracking().Where(u => pageIds.Contains(u.Id)), query.Sort);
        var rows = await sorted
            .Select(u => new UserRow(
                u.Id, u.Name, u.UserName,
                seeAllEmails || u.EmailVisible || u.Id == viewerId ? u.Email : null,
                u.Role,
                u.InvitationPending ? UserStatus.Invited : u.Enabled ? UserStatus.Enabled : UserStatus.Disabled,
                u.UpdatedAt,
                db.Avatars.Any(a => a.UserId == u.Id)))
            .ToListAsync(cancellationToken);
        return new UserPage(rows, page, pageSize, total, hasMore);
    }

    /// <summary>Every order ends with Id in the same direction, matching the indexes, so paging is stable and cheap.</summary>
    private static IQueryable<User> Sort(IQueryable<User> users, UserSort sort) => sort switch
    {
        UserSort.Name => users.OrderBy(u => u.Name).ThenBy(u => u.Id),
        UserSort.Role => users.OrderByDescending(u => u.Role).ThenByDescending(u => u.UpdatedAt).ThenByDescending(u => u.Id),
        _ => users.OrderByDescending(u => u.UpdatedAt).ThenByDescending(u => u.Id),
    };
}
