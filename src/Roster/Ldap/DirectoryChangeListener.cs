using Npgsql;
using Roster.Data;

namespace Roster.Ldap;

/// <summary>
/// Several instances on one PostgreSQL serve one directory. Each announces its committed directory changes
/// on a channel (<see cref="DirectoryChanges"/> sends the NOTIFY with the save) and listens for everyone's,
/// so a change made through any instance marks every instance's LDAP snapshot stale at once. SQLite has one
/// instance, which counts its own changes; there this does nothing.
/// </summary>
public sealed class DirectoryChangeListener(DirectConnections connections, DirectoryChanges changes, ILogger<DirectoryChangeListener> log) : BackgroundService
{
    public const string Channel = "roster_directory";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connections.Postgres is not { } postgres)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await postgres.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => changes.Changed();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // What changed while nobody listened is unknown: the next search reloads.
                changes.Changed();
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Lost the directory-change channel; listening again in {Delay}.", RetryAfter);
                changes.Changed();
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }
}
