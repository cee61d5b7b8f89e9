using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;

namespace Roster.Oidc;

/// <summary>Apps that sign people in through Roster, as OpenID Connect clients. Apps with their own accounts are not clients.</summary>
public sealed class ClientStore(RosterDb db) : IClientStore
{
    // The secret's hash stays here, out of the protocol's hands, between finding a client and checking its secret.
    private readonly Dictionary<string, string?> secretHashes = new(StringComparer.Ordinal);

    public async Task<OidcClient?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking()
            .Where(a => a.ClientId == clientId && a.DirectoryMode == DirectoryMode.UseRoster)
            .Select(a => new { a.ClientId, a.Name, a.ClientSecretHash, a.RedirectUris, a.PostLogoutRedirectUris, a.BackChannelLogoutUri, a.TokenSigningAlgorithm })
            .SingleOrDefaultAsync(cancellationToken);
        if (app is null)
            return null;
        secretHashes[app.ClientId] = app.ClientSecretHash;
        return new OidcClient(app.ClientId, app.Name, app.ClientSecretHash is not null,
            AppSignOn.Lines(app.RedirectUris), AppSignOn.Lines(app.PostLogoutRedirectUris), app.BackChannelLogoutUri, app.TokenSigningAlgorithm);
    }

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

    public Task<bool> SecretMatchesAsync(OidcClient client, string secret, CancellationToken cancellationToken) =>
        Task.FromResult(secretHashes.TryGetValue(client.ClientId, out var hash) && AppSignOn.SecretMatches(hash, secret));
}
