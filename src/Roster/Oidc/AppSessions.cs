using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Oidc;

/// <summary>
/// The apps a person is signed in to through Roster, per dashboard session. Ending a session revokes
/// its grants and queues a back-channel logout for every app that asked for one (Back-Channel Logout 1.0
/// section 2.7): on sign-out, disabling, deletion, and sessions revoked.
/// </summary>
public sealed class AppSessions(RosterDb db, BackChannelLogouts logouts, TimeProvider clock)
{
    /// <summary>
    /// Ends the apps' side of one session (<paramref name="sessionId"/>) or of all the person's sessions
    /// (null). Joins the caller's unit of work: nothing is revoked or sent unless the caller saves.
    /// </summary>
    public async Task EndAsync(Guid userId, string? sessionId, CancellationToken cancellationToken)
    {
        var grants = await db.OidcGrants
            .Where(g => g.UserId == userId && g.RevokedAt == null && (sessionId == null || g.SessionId == sessionId))
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var grant in grants)
            grant.RevokedAt = now;
        // One notice per app and session, however many times the app signed the person in from it.
        foreach (var held in grants.Select(g => (g.AppId, g.ClientId, g.SessionId)).Distinct())
            logouts.Enqueue(held.ClientId, userId.ToString(), held.SessionId);
    }
}
