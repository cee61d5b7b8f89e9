using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>Finds the people a form, an API call or the command line names, the way people name each other.</summary>
public sealed class AccountLookup(RosterDb db)
{
    /// <summary>Accounts named by id, username or email, keyed by the name as given.</summary>
    public async Task<Dictionary<string, User>> FindByNamesAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken = default)
    {
        var upper = names.Select(n => n.ToUpperInvariant()).ToList();
        var ids = names.Select(n => Guid.TryParse(n, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        var matches = await db.Users.Where(u => upper.Contains(u.NormalizedUserName!) || upper.Contains(u.NormalizedEmail!) || ids.Contains(u.Id))
            .ToListAsync(cancellationToken);
        var found = new Dictionary<string, User>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
            if (matches.FirstOrDefault(u => string.Equals(u.UserName, name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(u.Email, name, StringComparison.OrdinalIgnoreCase) || u.Id.ToString() == name.ToLowerInvariant()) is { } user)
                found[name] = user;
        return found;
    }
}
