using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>
/// Impersonation: an admin makes a temporary password for someone's account, to see and fix what they
/// see. It signs in to the dashboard and to apps beside the person's own password, which stays as it is,
/// until it expires; a new one replaces the old. Every issue and every use is audited, and the person
/// sees the uses on their account page.
/// </summary>
public sealed class TemporaryPasswords(RosterDb db, AccountTokens tokens, AuditLog audit, IOptions<AccountOptions> options)
{
    public TimeSpan Lifetime => options.Value.TemporaryPasswordLifetime;

    public async Task<Result<string>> IssueAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.FindAsync([userId], cancellationToken);
        if (user is null)
            return Result<string>.Fail([UserErrors.NotFound]);
        // Admins only, and only for accounts they may edit: an admin cannot become an owner this way.
        if (!Permissions.MayAdminister(actor, user) || actor.IsSelf(user))
            return Result<string>.Fail([UserErrors.Forbidden]);
        if (!user.Enabled)
            return Result<string>.Fail([new Error("user.disabled", "The account is disabled; enable it first.")]);
        await tokens.RevokeAllAsync(user.Id, AccountTokenPurpose.TemporaryPassword, cancellationToken);
        var password = tokens.Issue(user, AccountTokenPurpose.TemporaryPassword, Lifetime);
        audit.Record(AuditActions.TemporaryPasswordIssued, actor, user, $"valid {Lifetime.TotalMinutes:0} minutes");
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(password);
    }

    /// <summary>When the person's account was signed in to with a temporary password, newest first.</summary>
    public Task<List<DateTime>> UsesAsync(Guid userId, CancellationToken cancellationToken) =>
        db.AuditEvents.Where(e => e.TargetId == userId && e.Action == AuditActions.TemporaryPasswordUsed)
            .OrderByDescending(e => e.At).Select(e => e.At).Take(20).ToListAsync(cancellationToken);
}
