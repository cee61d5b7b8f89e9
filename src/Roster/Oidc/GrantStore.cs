using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Hosting;
using Roster.Users;

namespace Roster.Oidc;

/// <summary>
/// Grants, codes and refresh tokens in the database, as hashes. Single use is a conditional update, so of
/// two requests racing with one code or refresh token, on one instance or several, exactly one wins.
/// </summary>
public sealed class GrantStore(RosterDb db, AuditLog audit, TimeProvider clock) : IGrantStore
{
    public async Task AddAsync(Grant grant, string code, string redirectUri, string? codeChallenge, DateTimeOffset codeExpiresAt, CancellationToken cancellationToken)
    {
        var app = await db.Apps.Where(a => a.ClientId == grant.ClientId).Select(a => new { a.Id, a.Name }).SingleAsync(cancellationToken);
        var user = await db.Users.SingleAsync(u => u.Id == Guid.Parse(grant.Subject), cancellationToken);
        audit.Record(AuditActions.AppSignIn, Actor.For(user), user, app.Name);
        db.OidcGrants.Add(new OidcGrant
        {
            Id = grant.Id,
            AppId = app.Id,
            ClientId = grant.ClientId,
            UserId = Guid.Parse(grant.Subject),
            SessionId = grant.SessionId,
            Scope = grant.Scope,
            Nonce = grant.Nonce,
            AuthTime = grant.AuthTime.UtcDateTime,
            CodeHash = Secrets.Hash(code),
            RedirectUri = redirectUri,
            CodeChallenge = codeChallenge,
            CodeExpiresAt = codeExpiresAt.UtcDateTime,
            CreatedAt = Now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IssuedCode?> FindCodeAsync(string code, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(code);
        var row = await db.OidcGrants.AsNoTracking().SingleOrDefaultAsync(g => g.CodeHash == hash && g.RevokedAt == null, cancellationToken);
        return row is null ? null : new IssuedCode(ToGrant(row), row.RedirectUri, row.CodeChallenge, At(row.CodeExpiresAt), row.CodeRedeemedAt is not null);
    }

    public async Task<bool> TryRedeemCodeAsync(string code, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(code);
        var now = Now;
        return await db.OidcGrants.Where(g => g.CodeHash == hash && g.CodeRedeemedAt == null && g.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(g => g.CodeRedeemedAt, now), cancellationToken) == 1;
    }

    public async Task AddRefreshTokenAsync(Guid grantId, string token, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        db.OidcRefreshTokens.Add(new OidcRefreshToken { TokenHash = Secrets.Hash(token), GrantId = grantId, ExpiresAt = expiresAt.UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IssuedRefreshToken?> FindRefreshTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(token);
        var found = await db.OidcRefreshTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Join(db.OidcGrants.Where(g => g.RevokedAt == null), t => t.GrantId, g => g.Id, (t, g) => new { Token = t, Grant = g })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : new IssuedRefreshToken(ToGrant(found.Grant), At(found.Token.ExpiresAt), found.Token.UsedAt is not null);
    }

    /// <summary>
    /// Adds the next token, then marks the used one used if no one did first: two single statements, so no
    /// transaction holds the write lock across them. Should the second not happen (a crash, a lost race),
    /// the next token exists but was never handed out, and the used one still decides.
    /// </summary>
    public async Task<bool> TryRotateRefreshTokenAsync(string used, Guid grantId, string next, DateTimeOffset nextExpiresAt, CancellationToken cancellationToken)
    {
        await AddRefreshTokenAsync(grantId, next, nextExpiresAt, cancellationToken);
        var hash = Secrets.Hash(used);
        var now = Now;
        return await db.OidcRefreshTokens.Where(t => t.TokenHash == hash && t.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), cancellationToken) == 1;
    }

    public Task<bool> IsActiveAsync(Guid grantId, CancellationToken cancellationToken) =>
        db.OidcGrants.AnyAsync(g => g.Id == grantId && g.RevokedAt == null, cancellationToken);

    public async Task RevokeAsync(Guid grantId, string reason, CancellationToken cancellationToken)
    {
        var now = Now;
        var revoked = await db.OidcGrants.Where(g => g.Id == grantId && g.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(g => g.RevokedAt, now), cancellationToken);
        if (revoked == 0)
            return;
        var what = await db.OidcGrants.Where(g => g.Id == grantId)
            .Join(db.Apps, g => g.AppId, a => a.Id, (g, a) => new { a.Name, g.UserId })
            .SingleAsync(cancellationToken);
        audit.Record(AuditActions.AppGrantRevoked, Actor.Anonymous, await db.Users.FindAsync([what.UserId], cancellationToken), $"{what.Name}: {reason}");
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RevokeAccessTokenAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (await db.OidcRevokedTokens.AnyAsync(t => t.TokenId == tokenId, cancellationToken))
            return;
        db.OidcRevokedTokens.Add(new OidcRevokedToken { TokenId = tokenId, ExpiresAt = expiresAt.UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Revoked by a concurrent request: the outcome is the same.
        }
    }

    public Task<bool> IsAccessTokenRevokedAsync(string tokenId, CancellationToken cancellationToken) =>
        db.OidcRevokedTokens.AnyAsync(t => t.TokenId == tokenId, cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static DateTimeOffset At(DateTime utc) => new(utc, TimeSpan.Zero);

    private static Grant ToGrant(OidcGrant row) =>
        new(row.Id, row.ClientId, row.UserId.ToString(), row.SessionId, row.Scope, At(row.AuthTime), row.Nonce);
}
