using Npgsql;
using Roster.Data;

namespace Roster.DirectoryServer;

/// <summary>
/// Several instances on one PostgreSQL serve one directory. Each announces its committed directory changes
/// on a channel (<see cref="DirectoryChanges"/> sends the NOTIFY with the save) and listens for everyone's,
/// so a change made through any instance marks every instance's LDAP snapshot stale at once. SQLite has one
/// server, but the command line writes to the same file: there the server reads a version number its
/// writers bump, twice a second.
/// </summary>
public sealed class DirectoryChangeListener(DirectConnections connections, DirectoryChanges changes, ILogger<DirectoryChangeListener> log) : BackgroundService
{
    public const string Channel = "roster_directory";
    public const string VersionKey = "Directory.Version";

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (connections.Postgres is not { } postgres)
        {
            await PollAsync(stoppingToken);
            return;
        }
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

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        string? seen = null;
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var version = await connections.QueryAsync($"""SELECT "Value" FROM "Settings" WHERE "Key" = '{VersionKey}'""", [],
                    async reader => await reader.ReadAsync(stoppingToken) ? Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "" : "", stoppingToken);
                if (seen is not null && version != seen)
                    changes.Changed();
                seen = version;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not read the directory's version; trying again.");
            }
        }
    }
}
