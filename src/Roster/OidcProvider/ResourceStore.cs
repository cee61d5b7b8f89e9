using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>Registered APIs as the protocol sees them: one API and what one app may request of it, in one query.</summary>
public sealed class ResourceStore(Lazy<RosterDb> database) : IResourceStore
{
    private RosterDb db => database.Value;

    public async Task<ResourceServer?> FindAsync(string identifier, string clientId, CancellationToken cancellationToken)
    {
        var api = await db.ApiResources.AsNoTracking().Where(a => a.Identifier == identifier)
            .Select(a => new
            {
                a.Identifier,
                a.AccessTokenLifetimeSeconds,
                Allowed = db.ApiResourceAccess.Where(x => x.ApiId == a.Id)
                    .Join(db.Apps.Where(p => p.ClientId == clientId), x => x.AppId, p => p.Id, (x, _) => x.Scopes).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return api is null ? null
            : new ResourceServer(api.Identifier, TimeSpan.FromSeconds(api.AccessTokenLifetimeSeconds), ApiResources.ScopeList(api.Allowed ?? ""));
    }
}
