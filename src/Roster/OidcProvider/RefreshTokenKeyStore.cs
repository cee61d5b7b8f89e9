using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// The refresh-token key as a setting, encrypted with the data-protection key ring like the signing keys.
/// The first instance to need it creates it; an instance that loses that race reads the winner's.
/// </summary>
public sealed class RefreshTokenKeyStore(IServiceScopeFactory scopes, IDataProtectionProvider protection) : IRefreshTokenKeyStore
{
    private const string SettingKey = "oidc.refresh-token-key";
    private readonly IDataProtector protector = protection.CreateProtector("Roster.Oidc.RefreshTokenKey");

    public async Task<byte[]> GetOrCreateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        if (await ReadAsync(db, cancellationToken) is { } existing)
            return existing;
        db.Settings.Add(new Setting { Key = SettingKey, Value = Convert.ToBase64String(protector.Protect(RandomNumberGenerator.GetBytes(32))) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance stored one first: use that.
        }
        return await ReadAsync(db, cancellationToken) ?? throw new InvalidOperationException("The refresh-token key could not be stored.");
    }

    private async Task<byte[]?> ReadAsync(RosterDb db, CancellationToken cancellationToken)
    {
        var value = await db.Settings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken);
        return value is null ? null : protector.Unprotect(Convert.FromBase64String(value));
    }
}
