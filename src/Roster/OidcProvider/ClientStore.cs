using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>Apps that sign people in through Roster, as OpenID Connect clients. Apps with their own accounts are not clients.</summary>
public sealed class ClientStore(Lazy<RosterDb> database, ClientCache cache) : IClientStore
{
    private RosterDb db => database.Value;

    public async Task<OidcClient?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        (await EntryAsync(clientId, cancellationToken)).Client;

    /// <summary>The secret's hash never leaves the host: the protocol only learns whether a presented secret matches.</summary>
    public async Task<bool> SecretMatchesAsync(OidcClient client, string secret, CancellationToken cancellationToken) =>
        AppSignOn.SecretMatches((await EntryAsync(client.ClientId, cancellationToken)).SecretHash, secret);

    public async Task<bool> IsRedirectOriginAsync(string origin, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var parsed) || parsed.AbsolutePath != "/")
            return false;
        // The database narrows by text; the exact comparison of origins happens here.
        var candidates = await db.Apps.AsNoTracking()
            .Where(a => a.DirectoryMode == DirectoryMode.UseRoster && a.RedirectUris.Contains(parsed.Host))
            .Select(a => a.RedirectUris)
            .ToListAsync(cancellationToken);
        return candidates.SelectMany(AppSignOn.Lines).Any(uri =>
            Uri.TryCreate(uri, UriKind.Absolute, out var redirect) && redirect.GetLeftPart(UriPartial.Authority) == parsed.GetLeftPart(UriPartial.Authority) &&
            origin.TrimEnd('/') == parsed.GetLeftPart(UriPartial.Authority));
    }

    private async Task<ClientCache.Entry> EntryAsync(string clientId, CancellationToken cancellationToken)
    {
        if (cache.Find(clientId) is { } cached)
            return cached;
        var app = await db.Apps.AsNoTracking()
            .Where(a => a.ClientId == clientId && a.DirectoryMode == DirectoryMode.UseRoster)
            .Select(a => new { a.ClientId, a.Name, a.ClientSecretHash, a.RedirectUris, a.PostLogoutRedirectUris, a.BackChannelLogoutUri, a.TokenSigningAlgorithm, a.ApiScopes,
                a.RequirePkce, a.OfflineAccess, a.AlwaysIssueRefreshTokens, a.RequireConsent, a.AllowDeviceGrant })
            .SingleOrDefaultAsync(cancellationToken);
        if (app is null)
            return await ApiEntryAsync(clientId, cancellationToken);
        // The API scopes ride on the cached client, so a client-credentials grant reads nothing more than its client.
        var client = new OidcClient(app.ClientId, app.Name, app.ClientSecretHash is not null,
            AppSignOn.Lines(app.RedirectUris), AppSignOn.Lines(app.PostLogoutRedirectUris), app.BackChannelLogoutUri, app.TokenSigningAlgorithm,
            AppSignOn.ApiScopeList(app.ApiScopes), app.RequirePkce, app.OfflineAccess, app.AlwaysIssueRefreshTokens, RequireConsent: app.RequireConsent, AllowDeviceGrant: app.AllowDeviceGrant);
        return cache.Remember(clientId, client, app.ClientSecretHash);
    }

    /// <summary>
    /// An API authenticating to introspect: a confidential client with no redirect URI and no scope, marked by its
    /// identifier, so the protocol lets it introspect tokens meant for it and nothing else. Until it has a secret it
    /// is no client at all.
    /// </summary>
    private async Task<ClientCache.Entry> ApiEntryAsync(string clientId, CancellationToken cancellationToken)
    {
        var api = await db.ApiResources.AsNoTracking().Where(a => a.ClientId == clientId && a.SecretHash != null)
            .Select(a => new { a.ClientId, a.Name, a.Identifier, a.SecretHash }).SingleOrDefaultAsync(cancellationToken);
        var client = api is null ? null : new OidcClient(api.ClientId, api.Name, IsConfidential: true, [], [], null, SigningAlgorithms.RS256, [],
            ResourceIdentifier: api.Identifier);
        return cache.Remember(clientId, client, api?.SecretHash);
    }
}
