using System.Data.Common;
using Npgsql;

namespace Roster.Data;

/// <summary>
/// Roster's database without EF Core, for the few statements on a hot path that are written by hand (the
/// token refresh, the credential counters). <see cref="QueryAsync{T}"/> runs one prepared statement: on
/// PostgreSQL over the pool EF uses too, where Npgsql keeps statements prepared per server connection; on
/// SQLite over one connection, committed in groups (<see cref="SqliteGroupCommit"/>), since SQLite runs one
/// write at a time anyway.
/// </summary>
public sealed class DirectConnections(DatabaseProvider provider, string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource? postgres = provider == DatabaseProvider.Postgres ? NpgsqlDataSource.Create(connectionString) : null;
    private readonly SqliteGroupCommit sqlite = new(connectionString);

    /// <summary>PostgreSQL's connection pool, which EF Core uses too, so both draw on one set of server connections.</summary>
    public NpgsqlDataSource? Postgres => postgres;

    /// <summary>Runs <paramref name="sql"/> with <paramref name="parameters"/> (by name, without '@') and reads its result with <paramref name="read"/>.</summary>
    public async Task<T> QueryAsync<T>(string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
    {
        if (postgres is not null)
        {
            await using var connection = await postgres.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value);
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader);
        }
        return await sqlite.QueryAsync(sql, parameters, read);
    }

    public async ValueTask DisposeAsync()
    {
        await sqlite.DisposeAsync();
        if (postgres is not null)
            await postgres.DisposeAsync();
    }
}
