using Npgsql;
using Roster.Data;

namespace Roster.DirectoryServer;

/// <summary>
/// Brings changes made by any process on the same database into this one's LDAP directory: another instance
/// on PostgreSQL, or the command line on either database. On PostgreSQL every save announces what it changed on
/// a channel (<see cref="DirectoryChanges"/> sends the NOTIFY, delivered at commit); on SQLite it writes a row
/// of a change log, read here four times a second. Each change is applied as it arrives, so it is visible well
/// within a second even when nobody is searching. Whenever something may have been missed (the channel was
/// lost, the log moved on past what was read), the whole directory is read again.
/// </summary>
public sealed class DirectoryChangeListener(DirectConnections connections, DirectoryChanges changes, LdapDirectory directory, ILogger<DirectoryChangeListener> log) : BackgroundService
{
    public const string LogTable = "DirectoryChangeLog";

    /// <summary>Rows the log keeps: a reader further behind than this reads everything again.</summary>
    public const int LogKept = 1000;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        connections.Postgres is { } postgres ? ListenAsync(postgres, stoppingToken) : PollAsync(stoppingToken);

    private async Task ListenAsync(NpgsqlDataSource postgres, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await postgres.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => changes.Received(DirectoryChange.Parse(e.Payload));
                await using (var listen = new NpgsqlCommand($"LISTEN {DirectoryChanges.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // What changed while nobody listened is unknown.
                await CatchUpAsync(DirectoryChange.All, stoppingToken);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                    await CatchUpAsync(null, stoppingToken);
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Lost the directory-change channel; listening again in {Delay}.", RetryAfter);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        long? seen = null;
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (seen is null)
                {
                    seen = await LastSeqAsync(stoppingToken);
                    await CatchUpAsync(DirectoryChange.All, stoppingToken);
                    continue;
                }
                var rows = await connections.QueryAsync(
                    $"""SELECT "Seq", "Change" FROM "{LogTable}" WHERE "Seq" > @after ORDER BY "Seq" """, [("after", seen.Value)],
                    async reader =>
                    {
                        var read = new List<(long Seq, string Change)>();
                        while (await reader.ReadAsync(stoppingToken))
                            read.Add((reader.GetInt64(0), reader.GetString(1)));
                        return read;
                    }, stoppingToken);
                if (rows.Count == 0)
                    continue;
                // Rows are numbered without gaps (SQLite writes one transaction at a time and a rollback takes its
                // number back), so a first row past the next number means the log was trimmed past this reader.
                var change = rows[0].Seq == seen + 1 ? DirectoryChange.Merge(rows.Select(r => DirectoryChange.Parse(r.Change))) : DirectoryChange.All;
                seen = rows[^1].Seq;
                await CatchUpAsync(change, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not read the directory's change log; trying again.");
            }
        }
    }

    private Task<long> LastSeqAsync(CancellationToken cancellationToken) =>
        connections.QueryAsync($"""SELECT COALESCE(MAX("Seq"), 0) FROM "{LogTable}" """, [],
            async reader => await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0, cancellationToken);

    private async Task CatchUpAsync(DirectoryChange? change, CancellationToken cancellationToken)
    {
        if (change is not null)
            changes.Received(change);
        try
        {
            await directory.CatchUpAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not apply a directory change; the next search tries again.");
        }
    }
}
