using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>Device authorization requests (<see cref="OidcDeviceCode"/>) in the database, codes as hashes.</summary>
public sealed class DeviceCodeStore(Lazy<RosterDb> database, TimeProvider clock) : IDeviceCodeStore
{
    private RosterDb db => database.Value;

    public async Task<bool> TryAddAsync(string clientId, string deviceCode, string userCode, string scope, DateTimeOffset expiresAt, int intervalSeconds, CancellationToken cancellationToken)
    {
        var appId = await db.Apps.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync(cancellationToken);
        var row = new OidcDeviceCode
        {
            Id = Guid.NewGuid(),
            AppId = appId,
            ClientId = clientId,
            DeviceCodeHash = Secrets.Hash(deviceCode),
            UserCodeHash = Secrets.Hash(userCode),
            Scope = scope,
            IntervalSeconds = intervalSeconds,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            ExpiresAt = expiresAt.UtcDateTime,
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The unique index on the user code's hash refused a clash.
            db.Entry(row).State = EntityState.Detached;
            return false;
        }
    }

    public async Task<DeviceCodeState?> FindAsync(string deviceCode, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(deviceCode);
        var row = await db.Set<OidcDeviceCode>().AsNoTracking().SingleOrDefaultAsync(d => d.DeviceCodeHash == hash, cancellationToken);
        if (row is null)
            return null;
        var status = row.DecidedAt is null ? DeviceCodeStatus.Pending : row.Approved ? DeviceCodeStatus.Approved : DeviceCodeStatus.Denied;
        return new DeviceCodeState(row.ClientId, status, At(row.ExpiresAt), row.IntervalSeconds, row.LastPolledAt is { } polled ? At(polled) : null);
    }

    public async Task RecordPollAsync(string deviceCode, DateTimeOffset polledAt, int intervalSeconds, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(deviceCode);
        var at = polledAt.UtcDateTime;
        await db.Set<OidcDeviceCode>().Where(d => d.DeviceCodeHash == hash)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.LastPolledAt, at).SetProperty(d => d.IntervalSeconds, intervalSeconds), cancellationToken);
    }

    private static DateTimeOffset At(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeSpan.Zero);
}
