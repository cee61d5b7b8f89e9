using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.OidcProvider;

/// <summary>
/// Deletes what can no longer be used: revoked grants, grants whose code expired unredeemed or whose
/// current refresh token expired, device requests past their expiry, and remembered revocations past their token's expiry. A deleted
/// grant's tokens are refused like unknown ones. Every instance may run it; deleting twice is harmless.
/// </summary>
public sealed class GrantCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<GrantCleanup> log) : HourlyCleanup(clock, log)
{
    protected override string What => "Expired sign-in grants";

    protected override async Task CleanAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await PurgeAsync(scope.ServiceProvider.GetRequiredService<RosterDb>(), Clock.GetUtcNow().UtcDateTime, cancellationToken);
    }

    public static async Task PurgeAsync(RosterDb db, DateTime now, CancellationToken cancellationToken)
    {
        await db.OidcGrants
            .Where(g => g.RevokedAt != null || g.CodeExpiresAt < now && (g.RefreshExpiresAt == null || g.RefreshExpiresAt < now))
            .ExecuteDeleteAsync(cancellationToken);
        await db.OidcRevokedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        // An expired device request can no longer be approved or polled; an approved one lives on as its grant.
        await db.Set<OidcDeviceCode>().Where(d => d.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
