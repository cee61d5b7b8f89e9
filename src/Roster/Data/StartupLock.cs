namespace Roster.Data;

/// <summary>
/// Instances started at the same moment on one new PostgreSQL database would each migrate it, create a first
/// owner and create signing keys. They take turns instead: each holds this lock while it prepares the database,
/// so the second finds everything the first made. On SQLite there is one instance and nothing to wait for.
/// </summary>
public sealed class StartupLock : IAsyncDisposable
{
    // Any fixed number, the same in every instance; PostgreSQL advisory locks are keyed by a bigint.
    private const long Key = 0x526f73746572; // "Roster"

    private readonly Npgsql.NpgsqlConnection? connection;

    private StartupLock(Npgsql.NpgsqlConnection? connection) => this.connection = connection;

    public static async Task<StartupLock> AcquireAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<DirectConnections>().Postgres is not { } postgres)
            return new StartupLock(null);
        var connection = await postgres.OpenConnectionAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StartupLock(connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is null)
            return;
        await using (var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", connection))
            await command.ExecuteNonQueryAsync();
        await connection.DisposeAsync();
    }
}
