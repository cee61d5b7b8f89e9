namespace Roster.Accounts;

/// <summary>
/// The apps a person signed in to through their dashboard sessions. Ending sessions (sign-out, a new password,
/// disabling, deletion) ends the apps' side too; the OpenID Connect provider answers, by revoking grants and
/// queueing back-channel logouts. Both join the caller's unit of work: nothing happens unless the caller saves.
/// </summary>
public interface IAppSessions
{
    Task EndSessionAsync(Guid userId, string sessionId, CancellationToken cancellationToken);

    Task EndAllAsync(Guid userId, CancellationToken cancellationToken, string? exceptSessionId = null);
}
