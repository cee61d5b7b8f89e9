using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.OidcProvider;

/// <summary>
/// The apps a person is signed in to through Roster, per dashboard session. Ending a session revokes
/// its grants and queues a back-channel logout for every app that asked for one (Back-Channel Logout 1.0
/// section 2.7): on sign-out, disabling, deletion, and sessions revoked. An offline_access grant (OpenID Connect
/// Core section 11) outlives the one session it came from: signing out, RP-initiated logout included, still tells
/// the app the session ended, but its refresh tokens keep working. Ending every session of the person (disabling,
/// a password reset or change, "sign out everywhere") ends offline grants too; deleting the person deletes them.
/// </summary>
public sealed class AppSessions(RosterDb db, BackChannelLogouts logouts, TimeProvider clock) : IAppSessions
{
    /// <summary>Ends the apps' side of one dashboard session. Joins the caller's unit of work: nothing is revoked or sent unless the caller saves.</summary>
    public Task EndSessionAsync(Guid userId, string sessionId, CancellationToken cancellationToken) =>
        EndAsync(db.OidcGrants.Where(g => g.UserId == userId && g.SessionId == sessionId), cancellationToken, keepOffline: true);

    /// <summary>Ends the apps' side of every session of the person but <paramref name="exceptSessionId"/>; joins the caller's unit of work.</summary>
    public Task EndAllAsync(Guid userId, CancellationToken cancellationToken, string? exceptSessionId = null) =>
        EndAsync(db.OidcGrants.Where(g => g.UserId == userId && g.SessionId != exceptSessionId), cancellationToken);

    /// <summary>
    /// Ends every grant one app holds for the person, offline ones included (revoking it on /account/apps); joins the
    /// caller's unit of work. How many grants were still active.
    /// </summary>
    public Task<int> EndAppAsync(Guid userId, Guid appId, CancellationToken cancellationToken) =>
        EndAsync(db.OidcGrants.Where(g => g.UserId == userId && g.AppId == appId), cancellationToken);

    private async Task<int> EndAsync(IQueryable<OidcGrant> held, CancellationToken cancellationToken, bool keepOffline = false)
    {
        var grants = await held.Where(g => g.RevokedAt == null).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var grant in grants.Where(g => !(keepOffline && g.Offline)))
            grant.RevokedAt = now;
        // One notice per app and session, however many times the app signed the person in from it.
        foreach (var (clientId, userId, sessionId) in grants.Select(g => (g.ClientId, g.UserId, g.SessionId)).Distinct())
            logouts.Enqueue(clientId, Subject.Of(userId), sessionId);
        return grants.Count;
    }
}
