using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Outbox;

namespace Roster.Provisioning;

/// <summary>
/// The SCIM channel of the outbox. A job names an app (<see cref="OutboxMessage.To"/>) and what to reconcile there
/// (<see cref="OutboxMessage.Subject"/>: "user &lt;id&gt;", "group &lt;id&gt;" or "sync"); it carries no data, since it
/// reads the current state when it runs. Jobs are queued in the same transaction as the change that causes them
/// (<see cref="ScimTriggers"/>), so a crash loses none, and retried with the outbox's backoff.
/// </summary>
public sealed class ScimJobs(RosterDb db, OutboxQueue outbox, ScimReconciler reconciler, ScimTokens tokens, OutboundHttp http, AuditLog audit,
    TimeProvider clock, ILogger<ScimJobs> log) : IOutboxChannel
{
    public const string Sync = "sync";

    /// <summary>Who the audit log names for what the outbox does on its own.</summary>
    public static readonly Actor Provisioning = new(null, Role.User, "SCIM provisioning");

    public OutboxChannel Channel => OutboxChannel.Scim;

    public static string UserJob(Guid userId) => $"user {userId}";
    public static string GroupJob(Guid groupId) => $"group {groupId}";

    public void Enqueue(RosterDb context, Guid appId, string job) => outbox.Add(context, OutboxChannel.Scim, appId.ToString(), job, "");

    public async Task<Error?> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(message.To, out var appId))
            return new Error("scim.job", $"\"{message.To}\" is not an app id.");
        var connection = await db.ScimConnections.SingleOrDefaultAsync(c => c.AppId == appId, cancellationToken);
        // Turned off, or the app deleted, since the job was queued: there is nothing to keep in step.
        if (connection is not { Enabled: true, ProtectedToken: not null })
            return null;

        // Jobs of the same kind queued before this one starts reading are done by it too: their changes are
        // committed, so what it reads includes them. A sync covers every job of the app.
        var covered = await db.Outbox.Where(m => m.Channel == OutboxChannel.Scim && m.To == message.To && m.SentAt == null && m.GaveUpAt == null && m.Id != message.Id &&
            (message.Subject == Sync || m.Subject == message.Subject)).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var client = new ScimClient(http, new Uri(connection.BaseUrl), tokens.Unprotect(connection.ProtectedToken), connection.BaseUrlTrusted);
            await reconciler.StartAsync(connection, client, cancellationToken);
            switch (message.Subject.Split(' '))
            {
                case ["user", var id] when Guid.TryParse(id, out var userId):
                    await reconciler.ReconcileUserAsync(userId, cancellationToken);
                    break;
                case ["group", var id] when Guid.TryParse(id, out var groupId):
                    await reconciler.ReconcileGroupAsync(groupId, cancellationToken);
                    break;
                case [Sync]:
                    var report = await reconciler.SyncAsync(cancellationToken);
                    connection.LastSyncAt = now;
                    log.LogInformation("SCIM sync of app {App}: {Report}", appId, report);
                    break;
                default:
                    return new Error("scim.job", $"\"{message.Subject}\" is not a SCIM job.");
            }
        }
        catch (Exception e) when (e is ScimRefusedException or System.Security.Cryptography.CryptographicException)
        {
            var why = e is ScimRefusedException ? e.Message : "The stored SCIM token cannot be decrypted (the data-protection keys changed); set the token again.";
            Failed(connection, now, why);
            var app = await db.Apps.Where(a => a.Id == appId).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken);
            audit.Record(AuditActions.AppScimGaveUp, Provisioning, details: Clip($"{app}: {message.Subject}: {why}"));
            return new Error("scim.refused", why);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Retried by the outbox; the app's page shows why meanwhile.
            Failed(connection, now, e.Message);
            throw;
        }
        connection.LastSuccessAt = now;
        foreach (var done in covered)
        {
            done.SentAt = now;
            done.LastError = null;
        }
        return null;
    }

    private static void Failed(ScimConnection connection, DateTime now, string why)
    {
        connection.LastErrorAt = now;
        connection.LastError = Clip(why);
    }

    private static string Clip(string text) => text.Length > ScimSettings.MaxError ? text[..(ScimSettings.MaxError - 1)] + "…" : text;
}
