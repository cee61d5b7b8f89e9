using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

public sealed record OwnerOneTimePassword(string Username, string Password, DateTimeOffset ExpiresAt);

/// <summary>
/// The operator's way back in: a one-time password for an owner that signs in once, without the
/// second factor, within <see cref="Lifetime"/>. Issued from the command line only, and audited.
/// </summary>
public sealed class OwnerLogin(RosterDb db, AccountTokens tokens, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>For the owner named by username or email, or the only owner when <paramref name="which"/> is null.</summary>
    public async Task<Result<OwnerOneTimePassword>> IssueAsync(string? which, CancellationToken cancellationToken)
    {
        var owners = await db.Users.Where(u => u.Role == Role.Owner && u.Enabled).OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var normalized = which?.Trim().ToUpperInvariant();
        var chosen = normalized is null ? owners : owners.Where(u => u.NormalizedUserName == normalized || u.NormalizedEmail == normalized).ToList();
        if (chosen.Count == 0)
            return new Error("owner.unknown", which is null ? "There is no enabled owner." : $"No enabled owner is called \"{which}\".");
        if (chosen.Count > 1)
            return new Error("owner.ambiguous", $"There are several owners; choose one with --owner: {string.Join(", ", owners.Select(o => o.UserName))}.");
        var owner = chosen[0];
        var password = tokens.Issue(owner, AccountTokenPurpose.OwnerLogin, Lifetime);
        audit.Record(AuditActions.OwnerLoginIssued, Actor.Operator, owner);
        await db.SaveChangesAsync(cancellationToken);
        return Result<OwnerOneTimePassword>.Ok(new(owner.UserName ?? owner.Email!, password, clock.GetUtcNow() + Lifetime));
    }
}
