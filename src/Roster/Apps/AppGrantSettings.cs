using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.Apps;

/// <summary>Which refresh tokens an app gets (OpenID Connect Core section 11); see <see cref="App.OfflineAccess"/>.</summary>
public sealed record RefreshTokenSettings(bool OfflineAccess, bool AlwaysIssueRefreshTokens);

/// <summary>
/// What an app gets from people without asking them each time: whether it must ask their consent, whether it may sign
/// them in on devices, and which refresh tokens it gets. Allowing offline_access is the consent Roster takes for it (Roster.Oidc.OfflineAccess). Only an
/// admin changes these, never an app's operator: what an app may know and keep about people is a platform decision.
/// </summary>
public sealed class AppGrantSettings(RosterDb db, AuditLog audit, ClientCache clients, TimeProvider clock)
{
    public Task<Result<App>> SetRefreshTokensAsync(Actor actor, Guid id, RefreshTokenSettings settings, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, id, app =>
        {
            app.OfflineAccess = settings.OfflineAccess;
            app.AlwaysIssueRefreshTokens = settings.AlwaysIssueRefreshTokens;
            return $"offline access {(settings.OfflineAccess ? "allowed" : "not allowed")}, refresh tokens {(settings.AlwaysIssueRefreshTokens ? "always" : "only with offline_access")}";
        }, cancellationToken);

    /// <summary>Whether each person is asked to allow the app what it asks for (<see cref="App.RequireConsent"/>).</summary>
    public Task<Result<App>> SetConsentAsync(Actor actor, Guid id, bool required, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, id, app =>
        {
            app.RequireConsent = required;
            return required ? "people are asked for their consent" : "people are not asked for their consent";
        }, cancellationToken);

    /// <summary>Whether the app may sign people in on devices (<see cref="App.AllowDeviceGrant"/>).</summary>
    public Task<Result<App>> SetDeviceGrantAsync(Actor actor, Guid id, bool allowed, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, id, app =>
        {
            app.AllowDeviceGrant = allowed;
            return allowed ? "may sign people in on devices" : "may not sign people in on devices";
        }, cancellationToken);

    private async Task<Result<App>> ChangeAsync(Actor actor, Guid id, Func<App, string> change, CancellationToken cancellationToken)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        if (await db.Apps.FindAsync([id], cancellationToken) is not { } app)
            return AppErrors.NotFound;
        var details = change(app);
        app.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.AppUpdated, actor, details: $"{app.Name}: {details}");
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(app.ClientId);
        return Result<App>.Ok(app);
    }
}
