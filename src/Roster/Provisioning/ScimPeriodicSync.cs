using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Data;
using Roster.Outbox;

namespace Roster.Provisioning;

/// <summary>
/// Queues a full reconciliation of every app with SCIM on, every <see cref="ProvisioningOptions.SyncInterval"/>: the
/// pushes of each change keep providers in step, and this repairs what was changed behind Roster's back. An app that
/// still has a sync waiting gets no second one, so several instances or a slow provider do not pile them up.
/// </summary>
public sealed class ScimPeriodicSync(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ProvisioningOptions> options, ILogger<ScimPeriodicSync> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.SyncInterval, clock, stoppingToken);
            try
            {
                await QueueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Could not queue the periodic SCIM reconciliation; trying again at the next interval.");
            }
        }
    }

    public async Task<int> QueueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        var waiting = db.Outbox.Where(m => m.Channel == OutboxChannel.Scim && m.Subject == ScimJobs.Sync && m.SentAt == null && m.GaveUpAt == null).Select(m => m.To);
        var apps = await db.ScimConnections.Where(c => c.Enabled && c.ProtectedToken != null)
            .Select(c => c.AppId).ToListAsync(cancellationToken);
        var busy = (await waiting.ToListAsync(cancellationToken)).ToHashSet();
        var jobs = scope.ServiceProvider.GetRequiredService<ScimJobs>();
        var queued = 0;
        foreach (var app in apps.Where(a => !busy.Contains(a.ToString())))
        {
            jobs.Enqueue(db, app, ScimJobs.Sync);
            queued++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return queued;
    }
}
