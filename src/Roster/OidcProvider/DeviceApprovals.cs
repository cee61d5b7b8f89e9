using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>A pending device request as the person deciding sees it: which app, asking for what.</summary>
public sealed record DeviceRequest(string UserCode, string AppName, IReadOnlyList<string> Scopes);

/// <summary>
/// The /device page's work (RFC 8628 section 3.3): finding a pending request by the user code a signed-in person
/// typed, and recording their approval or denial. Wrong codes are limited per person and per client address
/// (section 5.1: a user code is short, so guessing must be slow); past the limit even the right code is refused
/// until the window ends. The counts are kept by <see cref="CredentialCounters"/> on their own connection, so they
/// are read and written before any transaction here begins.
/// </summary>
public sealed class DeviceApprovals(RosterDb db, CredentialCounters counters, AppAccessPolicy access, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Wrong codes one person may enter per <see cref="Window"/>.</summary>
    public const int WrongCodesPerPerson = 10;

    /// <summary>Wrong codes one client address may enter per <see cref="Window"/>, whoever is signed in.</summary>
    public const int WrongCodesPerAddress = 30;

    public async Task<Result<DeviceRequest>> FindAsync(User user, string address, string? typed, CancellationToken cancellationToken)
    {
        var found = await PendingAsync(user, address, typed, cancellationToken);
        return found.Succeeded ? Result<DeviceRequest>.Ok(found.Value!.Request) : Result<DeviceRequest>.Fail(found.Errors);
    }

    /// <summary>
    /// Approves or denies the request. Approving needs the app's access rule to let the person in, and adds the grant
    /// the device redeems; the decision is made once, however many tabs post it.
    /// </summary>
    public async Task<Result<DeviceRequest>> DecideAsync(User user, DashboardSession session, string address, string? typed, bool approve, CancellationToken cancellationToken)
    {
        var found = await PendingAsync(user, address, typed, cancellationToken);
        if (!found.Succeeded)
            return Result<DeviceRequest>.Fail(found.Errors);
        var (row, request) = found.Value!;
        if (approve && !await access.MayUseAsync(user.Id, row.ClientId, cancellationToken))
            return new Error("device.no_access",
                $"Your account is not allowed to use {request.AppName}. If you need it, ask an administrator to add you to one of its groups.", "UserCode");

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var decided = await db.Set<OidcDeviceCode>().Where(d => d.Id == row.Id && d.DecidedAt == null && d.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.DecidedAt, now).SetProperty(d => d.Approved, approve).SetProperty(d => d.UserId, user.Id), cancellationToken);
        if (decided == 0)
            return Error.Conflict("device.decided", "This code was just approved, denied or expired. Start again on your device if it still waits.");
        if (approve)
            db.OidcGrants.Add(new OidcGrant
            {
                Id = Guid.NewGuid(),
                AppId = row.AppId,
                ClientId = row.ClientId,
                UserId = user.Id,
                // The grant belongs to the session that approved it: signing that session out ends the device's sign-in too.
                SessionId = session.SessionId,
                Scope = row.Scope,
                AuthTime = session.AuthTime.UtcDateTime,
                // The device code is the grant's code. No redirect URI: an empty one can never be presented, so it
                // cannot be redeemed as an authorization code.
                CodeHash = row.DeviceCodeHash,
                RedirectUri = "",
                CodeExpiresAt = row.ExpiresAt,
                CreatedAt = now,
            });
        audit.Record(approve ? AuditActions.AppDeviceApproved : AuditActions.AppDeviceDenied, Actor.For(user), user, request.AppName);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result<DeviceRequest>.Ok(request);
    }

    private async Task<Result<(OidcDeviceCode Row, DeviceRequest Request)>> PendingAsync(User user, string address, string? typed, CancellationToken cancellationToken)
    {
        var personKey = "device-code:user:" + user.Id;
        var addressKey = "device-code:address:" + address;
        if (await counters.PeekAsync(personKey, Window, cancellationToken) >= WrongCodesPerPerson ||
            await counters.PeekAsync(addressKey, Window, cancellationToken) >= WrongCodesPerAddress)
            return new Error("device.limited", "Too many wrong codes. Wait 15 minutes, then enter the code your device shows.", "UserCode");

        var normalized = UserCodes.Normalize(typed);
        var hash = normalized is null ? null : Secrets.Hash(normalized);
        var now = clock.GetUtcNow().UtcDateTime;
        var found = hash is null ? null : await db.Set<OidcDeviceCode>().AsNoTracking()
            .Where(d => d.UserCodeHash == hash && d.DecidedAt == null && d.ExpiresAt > now)
            .Join(db.Apps, d => d.AppId, a => a.Id, (d, a) => new { Row = d, a.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            await counters.CountAsync(personKey, Window, cancellationToken);
            await counters.CountAsync(addressKey, Window, cancellationToken);
            return new Error("device.unknown_code", normalized is null
                ? $"A code has {UserCodes.Length} letters, like BCDF-GHJK. Type the one your device shows."
                : "That code is unknown, expired or already used. Check the code your device shows, or start again there.", "UserCode");
        }
        return Result<(OidcDeviceCode, DeviceRequest)>.Ok((found.Row, new DeviceRequest(UserCodes.Display(normalized!), found.Name, Scopes.Parse(found.Row.Scope))));
    }
}
