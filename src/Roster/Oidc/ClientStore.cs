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

    public Task<bool> SecretMatchesAsync(OidcClient client, string secret, CancellationToken cancellationToken) =>
        Task.FromResult(secretHashes.TryGetValue(client.ClientId, out var hash) && AppSignOn.SecretMatches(hash, secret));
}
