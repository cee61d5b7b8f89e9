using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>An app a person let in: what they allowed it (null when they were never asked) and how many grants it holds that outlive sign-out.</summary>
public sealed record AllowedApp(Guid AppId, string Name, IReadOnlyList<string>? Scopes, DateTime? AllowedAt, int OfflineGrants);

/// <summary>
/// What each person allowed each app (OpenID Connect Core section 3.1.2.4). Allowing adds to what the app had, so the
/// person is asked again only for scopes they have not seen. Revoking, on the person's own account page, forgets the
/// consent and ends every grant the app holds for them, offline ones included: the app must ask again.
/// </summary>
public sealed class Consents(RosterDb db, AuditLog audit, AppSessions sessions, TimeProvider clock) : IConsentStore
{
    public async Task<bool> CoversAsync(string subject, string clientId, string scope, CancellationToken cancellationToken)
    {
        var userId = Subject.Read(subject);
        var allowed = await db.OidcConsents.Where(c => c.UserId == userId)
            .Join(db.Apps.Where(a => a.ClientId == clientId), c => c.AppId, a => a.Id, (c, a) => c.Scope)
            .SingleOrDefaultAsync(cancellationToken);
        return allowed is not null && Scopes.Parse(scope).All(Scopes.Parse(allowed).Contains);
    }

    /// <summary>The person allows the app <paramref name="scope"/> on top of what it had; the app's name when done.</summary>
    public async Task<Result<string>> AllowAsync(User user, string clientId, string scope, CancellationToken cancellationToken)
    {
        var app = await db.Apps.Where(a => a.ClientId == clientId).Select(a => new { a.Id, a.Name }).SingleOrDefaultAsync(cancellationToken);
        if (app is null)
            return AppNotFound;
        var consent = await db.OidcConsents.SingleOrDefaultAsync(c => c.UserId == user.Id && c.AppId == app.Id, cancellationToken);
        if (consent is null)
            db.OidcConsents.Add(consent = new OidcConsent { UserId = user.Id, AppId = app.Id });
        var scopes = Scopes.Parse(consent.Scope).Union(Scopes.Parse(scope)).ToList();
        if (string.Join(' ', scopes).Length > OidcConsentLimits.MaxScope)
            return new Error("consent.too_many_scopes", "The app asks for more than Roster can remember.");
        consent.Scope = string.Join(' ', scopes);
        consent.GrantedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.AppConsentGiven, Actor.For(user), user, $"{app.Name}: {scope}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(app.Name);
    }

    /// <summary>The apps the person allowed something, or that hold a grant for them that outlives sign-out, by name.</summary>
    public async Task<List<AllowedApp>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var consents = await db.OidcConsents.Where(c => c.UserId == userId)
            .Join(db.Apps, c => c.AppId, a => a.Id, (c, a) => new { a.Id, a.Name, c.Scope, c.GrantedAt }).ToListAsync(cancellationToken);
        var offline = await db.OidcGrants.Where(g => g.UserId == userId && g.Offline && g.RevokedAt == null && g.CodeRedeemedAt != null)
            .Join(db.Apps, g => g.AppId, a => a.Id, (g, a) => new { a.Id, a.Name }).ToListAsync(cancellationToken);
        var names = consents.Select(c => (c.Id, c.Name)).Union(offline.Select(o => (o.Id, o.Name)));
        return names.Select(app => consents.SingleOrDefault(c => c.Id == app.Id) is { } consent
                ? new AllowedApp(app.Id, app.Name, Scopes.Parse(consent.Scope), consent.GrantedAt, offline.Count(o => o.Id == app.Id))
                : new AllowedApp(app.Id, app.Name, null, null, offline.Count(o => o.Id == app.Id)))
            .OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>Forgets what the person allowed the app and ends the app's grants for them, telling the app of each session it held; the app's name when done.</summary>
    public async Task<Result<string>> RevokeAsync(User user, Guid appId, CancellationToken cancellationToken)
    {
        var app = await db.Apps.Where(a => a.Id == appId).Select(a => new { a.Id, a.Name }).SingleOrDefaultAsync(cancellationToken);
        var consent = await db.OidcConsents.SingleOrDefaultAsync(c => c.UserId == user.Id && c.AppId == appId, cancellationToken);
        var ended = app is null ? 0 : await sessions.EndAppAsync(user.Id, appId, cancellationToken);
        // Someone else's app id, or one this person never let in, looks the same: not found.
        if (app is null || consent is null && ended == 0)
            return AppNotFound;
        if (consent is not null)
            db.OidcConsents.Remove(consent);
        audit.Record(AuditActions.AppConsentRevoked, Actor.For(user), user, app.Name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(app.Name);
    }

    private static Error AppNotFound => Error.NotFound("app.not_found", "There is no such app among the ones you allowed.");
}

internal static class OidcConsentLimits
{
    /// <summary>The column's length: what a grant's scope can hold.</summary>
    public const int MaxScope = 5300;
}
