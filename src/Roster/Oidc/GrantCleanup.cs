using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Oidc;

/// <summary>
/// Deletes what can no longer be used: revoked grants, grants whose code expired unredeemed or whose
/// current refresh token expired, and remembered revocations past their token's expiry. A deleted
/// grant's tokens are refused like unknown ones. Every instance may run it; deleting twice is harmless.
/// </summary>
public sealed class GrantCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<GrantCleanup> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Not at start-up, when requests wait for the same core; nothing is left to clean that cannot wait this long.</summary>
    private static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstRunAfter, clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await PurgeAsync(scope.ServiceProvider.GetRequiredService<RosterDb>(), clock.GetUtcNow().UtcDateTime, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Expired sign-in grants could not be cleaned up; trying again in an hour.");
            }
            await Task.Delay(Interval, clock, stoppingToken);
        }
    }

    public static async Task PurgeAsync(RosterDb db, DateTime now, CancellationToken cancellationToken)
    {
        await db.OidcGrants
            .Where(g => g.RevokedAt != null || g.CodeExpiresAt < now && (g.RefreshExpiresAt == null || g.RefreshExpiresAt < now))
            .ExecuteDeleteAsync(cancellationToken);
        await db.OidcRevokedTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
    }
}
