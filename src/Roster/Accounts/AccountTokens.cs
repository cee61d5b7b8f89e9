using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>Issues and redeems single-use account tokens. The token itself only ever exists in the link sent to the person.</summary>
public sealed class AccountTokens(RosterDb db, TimeProvider clock)
{
    /// <summary>Adds a new token to the unit of work and returns its secret text; the caller saves.</summary>
    public string Issue(User user, AccountTokenPurpose purpose, TimeSpan lifetime)
    {
        var secret = Secrets.New();
        var now = clock.GetUtcNow().UtcDateTime;
        db.AccountTokens.Add(new AccountToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Purpose = purpose,
            TokenHash = Secrets.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        return secret;
    }

    /// <summary>The unused, unexpired token with this secret and purpose, or null.</summary>
    public async Task<AccountToken?> FindUsableAsync(string secret, AccountTokenPurpose purpose, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 128)
            return null;
        var hash = Secrets.Hash(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.AccountTokens.SingleOrDefaultAsync(
            t => t.TokenHash == hash && t.Purpose == purpose && t.ConsumedAt == null && t.ExpiresAt > now,
            cancellationToken);
    }

    /// <summary>
    /// Marks the token used. The update is conditional, so of two concurrent redemptions exactly one
    /// wins; call it inside the transaction that applies the token's effect.
    /// </summary>
    public async Task<bool> TryConsumeAsync(AccountToken token, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.AccountTokens
            .Where(t => t.Id == token.Id && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        return updated == 1;
    }

    /// <summary>Makes every outstanding token of this purpose unusable (a resent invitation replaces the old link).</summary>
    public async Task RevokeAllAsync(Guid userId, AccountTokenPurpose purpose, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.AccountTokens
            .Where(t => t.UserId == userId && t.Purpose == purpose && t.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
    }

}
