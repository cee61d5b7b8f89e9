using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.Apps;

/// <summary>Which refresh tokens an app gets (OpenID Connect Core section 11); see <see cref="App.OfflineAccess"/>.</summary>
public sealed record RefreshTokenSettings(bool OfflineAccess, bool AlwaysIssueRefreshTokens);

/// <summary>
/// An app's refresh-token settings. Allowing offline_access is the consent Roster takes for it (Roster.Oidc.OfflineAccess),
/// so only an admin changes these, never an app's operator: a token that outlives sign-out is a platform decision.
/// </summary>
public sealed class AppRefreshTokens(RosterDb db, AuditLog audit, ClientCache clients, TimeProvider clock)
{
    public async Task<Result<App>> UpdateAsync(Actor actor, Guid id, RefreshTokenSettings settings, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        if (await db.Apps.FindAsync([id], cancellationToken) is not { } app)
            return AppErrors.NotFound;
        app.OfflineAccess = settings.OfflineAccess;
        app.AlwaysIssueRefreshTokens = settings.AlwaysIssueRefreshTokens;
        app.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.AppUpdated, actor, details:
            $"{app.Name}: offline access {(settings.OfflineAccess ? "allowed" : "not allowed")}, refresh tokens {(settings.AlwaysIssueRefreshTokens ? "always" : "only with offline_access")}");
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(app.ClientId);
        return Result<App>.Ok(app);
    }
}
