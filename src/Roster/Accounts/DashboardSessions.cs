using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;

namespace Roster.Accounts;

/// <summary>
/// Dashboard sessions: the cookie carries a session id (<c>sid</c>, the session apps are told about in
/// back-channel logouts) and when the person authenticated (<c>auth_time</c>, for <c>max_age</c>).
/// Signing in, refreshing the cookie and signing out all go through here.
/// </summary>
public sealed class DashboardSessions(SignInManager<User> signIn, IAppSessions apps, AuditLog audit, RosterDb db, TimeProvider clock)
{
    public const string SessionIdClaim = "sid";
    public const string AuthTimeClaim = "auth_time";

    /// <summary>The policy requires two-factor and the person has not set it up: until they do, the session reaches only the set-up page.</summary>
    public const string MustEnrolClaim = "roster:must-enrol";

    /// <summary>Whether <paramref name="principal"/>'s session is held to setting up two-factor (<see cref="MustEnrolClaim"/>).</summary>
    public static bool MustEnrol(ClaimsPrincipal principal) => principal.HasClaim(MustEnrolClaim, "true");

    /// <summary>
    /// Signs in someone who has just proven who they are. Proving it again in a browser that already holds
    /// their open session (an app asked for <c>prompt=login</c> or <c>max_age</c>) renews that session's
    /// <c>auth_time</c> and keeps its id, so the apps signed in from it are still told when it ends. Another
    /// person's session in the browser ends first, as a sign-out would end it. Otherwise a new session starts,
    /// recorded with its browser and address.
    /// </summary>
    public async Task SignInAsync(User user, bool remember, bool mustEnrolTwoFactor = false)
    {
        var now = clock.GetUtcNow();
        var context = signIn.Context;
        var current = SessionOf(context.User);
        var again = current is not null && current.Subject == Subject.Of(user.Id);
        var sessionId = again && await IsOpenAsync(current!.SessionId) ? current!.SessionId : null;
        if (sessionId is null)
        {
            if (current is not null && !again && Subject.TryRead(current.Subject, out var previousId) && await db.Users.FindAsync(previousId) is { } previous)
                await EndAsync(previous, current.SessionId, CancellationToken.None);
            sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            db.UserSessions.Add(new UserSession
            {
                Id = sessionId,
                UserId = user.Id,
                CreatedAt = now.UtcDateTime,
                LastSeenAt = now.UtcDateTime,
                Address = context.Connection.RemoteIpAddress?.ToString() ?? "",
                Device = Truncate(context.Request.Headers.UserAgent.ToString(), 256),
            });
            await db.SaveChangesAsync();
        }
        List<Claim> claims =
        [
            new Claim(SessionIdClaim, sessionId),
            new Claim(AuthTimeClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ];
        if (mustEnrolTwoFactor)
            claims.Add(new Claim(MustEnrolClaim, "true"));
        await signIn.SignInWithClaimsAsync(user, remember, claims);
    }

    private Task<bool> IsOpenAsync(string sessionId) => db.UserSessions.AnyAsync(s => s.Id == sessionId && s.EndedAt == null);

    /// <summary>The person's open sessions, most recently seen first.</summary>
    public Task<List<UserSession>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.EndedAt == null)
            .OrderByDescending(s => s.LastSeenAt).ToListAsync(cancellationToken);

    /// <summary>
    /// Ends one session (<paramref name="sessionId"/>) or all but <paramref name="exceptSessionId"/>: their
    /// cookies are refused at the next request and the apps signed in through them are told.
    /// </summary>
    public async Task<Result<int>> EndAsync(Actor actor, Guid userId, string? sessionId, CancellationToken cancellationToken, string? exceptSessionId = null)
    {
        var user = await db.Users.FindAsync([userId], cancellationToken);
        if (user is null)
            return Result<int>.Fail([UserErrors.NotFound]);
        if (!actor.IsSelf(user) && !Permissions.MayAdminister(actor, user))
            return Result<int>.Fail([UserErrors.Forbidden]);
        var ending = await db.UserSessions
            .Where(s => s.UserId == userId && s.EndedAt == null && (sessionId == null || s.Id == sessionId) && s.Id != exceptSessionId)
            .ToListAsync(cancellationToken);
        foreach (var session in ending)
            session.EndedAt = clock.GetUtcNow().UtcDateTime;
        if (ending.Count > 0)
        {
            // The apps' side in one step: of the one session named, or of all but the one kept.
            if (sessionId is null)
                await apps.EndAllAsync(userId, cancellationToken, exceptSessionId);
            else
                await apps.EndSessionAsync(userId, sessionId, cancellationToken);
            audit.Record(AuditActions.SessionsEnded, actor, user, ending.Count == 1 ? "1 session" : $"{ending.Count} sessions");
        }
        await db.SaveChangesAsync(cancellationToken);
        return Result<int>.Ok(ending.Count);
    }

    /// <summary>
    /// Runs on every request with a cookie, after Identity's security-stamp check: the cookie's session must
    /// still be open. Last-seen times are kept to the minute, so most requests only read.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (context.Principal is null)
            return;
        var db = context.HttpContext.RequestServices.GetRequiredService<RosterDb>();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var sessionId = context.Principal.FindFirstValue(SessionIdClaim);
        var session = sessionId is null ? null
            : await db.UserSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => new { s.EndedAt, s.LastSeenAt }).SingleOrDefaultAsync();
        if (session is null || session.EndedAt is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        if (now - session.LastSeenAt > TimeSpan.FromMinutes(1))
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.LastSeenAt, now)
                .SetProperty(s => s.Address, context.HttpContext.Connection.RemoteIpAddress == null ? "" : context.HttpContext.Connection.RemoteIpAddress.ToString()));
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>
    /// The password was right and the person has two-factor on: a short-lived cookie (Identity's
    /// two-factor scheme, 5 minutes) remembers who they are until the second factor is checked.
    /// </summary>
    public async Task BeginTwoFactorAsync(HttpContext context, User user, bool remember)
    {
        var identity = new ClaimsIdentity(IdentityConstants.TwoFactorUserIdScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id.ToString()));
        identity.AddClaim(new Claim(RememberClaim, remember ? "true" : "false"));
        identity.AddClaim(new Claim(StampClaim, user.SecurityStamp ?? ""));
        await context.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Who passed the password step and is due their second factor; null when no one is, or the account changed since.</summary>
    public async Task<(User User, bool Remember)?> PendingTwoFactorAsync(HttpContext context)
    {
        var pending = await context.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
        if (!pending.Succeeded || !Guid.TryParse(pending.Principal.FindFirstValue(ClaimTypes.Name), out var userId) ||
            await signIn.UserManager.FindByIdAsync(userId.ToString()) is not { } user)
            return null;
        if (!user.Enabled || user.SecurityStamp != pending.Principal.FindFirstValue(StampClaim))
            return null;
        return (user, pending.Principal.FindFirstValue(RememberClaim) == "true");
    }

    public async Task CompleteTwoFactorAsync(HttpContext context, User user, bool remember)
    {
        await context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await SignInAsync(user, remember);
    }

    private const string RememberClaim = "roster:remember";
    private const string StampClaim = "roster:stamp";

    /// <summary>Reissues the cookie (after a password change gave the account a new security stamp), keeping the session.</summary>
    public async Task RefreshAsync(HttpContext context, User user)
    {
        var current = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        // Two-factor is set up by now if it ever will be: a pending enrolment ends with the refresh.
        var keep = SessionClaims(current.Principal).Where(c => c.Type != MustEnrolClaim || !user.TwoFactorEnabled);
        await signIn.SignInWithClaimsAsync(user, current.Properties ?? new AuthenticationProperties(), [.. keep]);
    }

    /// <summary>Ends the session: audited, and every app that signed the person in from it is told.</summary>
    public async Task SignOutAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (await signIn.UserManager.GetUserAsync(principal) is { } user)
            await EndAsync(user, SessionOf(principal)?.SessionId, cancellationToken);
        await signIn.SignOutAsync();
    }

    /// <summary>Ends <paramref name="user"/>'s session <paramref name="sessionId"/> as signing out does: recorded, closed, and its apps told.</summary>
    private async Task EndAsync(User user, string? sessionId, CancellationToken cancellationToken)
    {
        audit.Record(AuditActions.SignOut, Actor.For(user), user);
        if (sessionId is not null)
        {
            await db.UserSessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
            await apps.EndSessionAsync(user.Id, sessionId, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The session a principal carries; null for cookies from before sessions had ids.</summary>
    public static DashboardSession? SessionOf(ClaimsPrincipal? principal)
    {
        var subject = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var sessionId = principal?.FindFirstValue(SessionIdClaim);
        var authTime = principal?.FindFirstValue(AuthTimeClaim);
        if (subject is null || sessionId is null || !long.TryParse(authTime, CultureInfo.InvariantCulture, out var seconds))
            return null;
        return new DashboardSession(subject, sessionId, DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    /// <summary>The claims that make a cookie this session rather than a new one; carried over whenever the cookie is reissued.</summary>
    public static IEnumerable<Claim> SessionClaims(ClaimsPrincipal? principal) =>
        principal?.Claims.Where(c => c.Type is SessionIdClaim or AuthTimeClaim or MustEnrolClaim) ?? [];
}
