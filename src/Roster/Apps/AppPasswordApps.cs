using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Apps;

/// <summary>The apps a person may limit an app password to: those the access rule lets them use that have an LDAP service account.</summary>
public sealed class AppPasswordApps(RosterDb db, AppAccessPolicy access) : IAppPasswordApps
{
    public async Task<IReadOnlyList<(Guid Id, string Name)>> ChoicesAsync(User user, CancellationToken cancellationToken) =>
        (await Choosable(user).OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
            .Select(a => (a.Id, a.Name)).ToList();

    public Task<bool> IsChoiceAsync(User user, Guid appId, CancellationToken cancellationToken) =>
        Choosable(user).AnyAsync(a => a.Id == appId, cancellationToken);

    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> appIds, CancellationToken cancellationToken) =>
        await db.Apps.Where(a => appIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);

    private IQueryable<App> Choosable(User user) =>
        access.UsableBy(user).Where(a => a.DirectoryMode == DirectoryMode.UseRoster && a.LdapPasswordHash != null);
}
