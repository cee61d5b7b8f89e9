using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Roster.Data;

/// <summary>
/// Roster's database without EF Core, for the few statements on a hot path that are written by hand (the
/// token refresh). <see cref="QueryAsync{T}"/> runs one prepared statement: on PostgreSQL over the pool EF
/// uses too, where Npgsql keeps statements prepared per server connection; on SQLite over one connection kept
/// open with its statements prepared, taken in turn, since SQLite runs one write at a time anyway.
/// </summary>
public sealed class DirectConnections(DatabaseProvider provider, string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource? postgres = provider == DatabaseProvider.Postgres ? NpgsqlDataSource.Create(connectionString) : null;
    private readonly SemaphoreSlim sqliteTurn = new(1, 1);
    private readonly ConcurrentDictionary<string, SqliteCommand> sqliteStatements = new();
    private SqliteConnection? sqlite;

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
        await sqliteTurn.WaitAsync(cancellationToken);
        try
        {
            var command = SqliteStatement(sql);
            foreach (var (name, value) in parameters)
            {
                var key = "@" + name;
                if (command.Parameters.Contains(key))
                    command.Parameters[key].Value = value;
                else
                    command.Parameters.AddWithValue(key, value);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = await read(reader);
            await FinishAsync(reader, cancellationToken);
            return result;
        }
        finally
        {
            sqliteTurn.Release();
        }
    }

    /// <summary>
    /// Steps a statement to its end, past rows <c>read</c> left unread (a <c>RETURNING</c> row is read and done
    /// with). A write without a transaction commits either there or when the reader resets the statement, but
    /// SQLite runs its write-ahead log hook, the automatic checkpoint, only in the first case: writes committed
    /// by resets alone never checkpoint, and the log grows without bound (measured: 180 MB in 90 s of refreshes),
    /// with every read slower as it searches the longer log.
    /// </summary>
    private static async Task FinishAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
        }
    }

    /// <summary>A key as the column holds it: EF keeps a Guid as upper-case text on SQLite, where the driver alone would bind a blob.</summary>
    public object Key(Guid id) => postgres is null ? id.ToString().ToUpperInvariant() : id;

    private SqliteCommand SqliteStatement(string sql) => sqliteStatements.GetOrAdd(sql, text =>
    {
        if (sqlite is null)
        {
            sqlite = new SqliteConnection(connectionString);
            sqlite.Open();
            SqliteConnectionSettings.Apply(sqlite);
        }
        var command = sqlite.CreateCommand();
        command.CommandText = text;
        command.Prepare();
        return command;
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var command in sqliteStatements.Values)
            await command.DisposeAsync();
        if (sqlite is not null)
            await sqlite.DisposeAsync();
        if (postgres is not null)
            await postgres.DisposeAsync();
    }
}
