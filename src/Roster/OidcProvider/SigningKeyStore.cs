using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// The signing keys in the database, shared by every instance. Private keys are encrypted with the
/// data-protection key ring, so a copy of the keys table alone signs nothing.
/// </summary>
public sealed class SigningKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider protection) : ISigningKeyStore
{
    private readonly IDataProtector protector = protection.CreateProtector("Roster.Oidc.SigningKeys");

    public async Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<RosterDb>().OidcSigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.Select(r => new StoredSigningKey(r.KeyId, r.Algorithm, new DateTimeOffset(r.CreatedAt, TimeSpan.Zero),
            protector.Unprotect(Convert.FromBase64String(r.ProtectedPrivateKey))))];
    }

    public async Task AddAsync(StoredSigningKey key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        db.OidcSigningKeys.Add(new OidcSigningKey
        {
            KeyId = key.KeyId,
            Algorithm = key.Algorithm,
            CreatedAt = key.CreatedAt.UtcDateTime,
            ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(key.PrivateKey)),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemoveAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RosterDb>().OidcSigningKeys.Where(k => k.KeyId == keyId).ExecuteDeleteAsync(cancellationToken);
    }
}
