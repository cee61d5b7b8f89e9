using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Roster.Data;

/// <summary>
/// Connections to Roster's database without EF Core, for the few statements on a hot path that are
/// written by hand (the token refresh, LDAP lookups). Each call opens one from the driver's own pool,
/// configured as EF's are, so it costs a pool checkout rather than a DbContext's set-up.
/// </summary>
public sealed class DirectConnections(DatabaseProvider provider, string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource? postgres = provider == DatabaseProvider.Postgres ? NpgsqlDataSource.Create(connectionString) : null;

    /// <summary>PostgreSQL's connection pool, which EF Core uses too, so both draw on one set of server connections.</summary>
    public NpgsqlDataSource? Postgres => postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (postgres is not null)
            return await postgres.OpenConnectionAsync(cancellationToken);
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        SqliteConnectionSettings.Apply(connection);
        return connection;
    }

    /// <summary>A key as the column holds it: EF keeps a Guid as upper-case text on SQLite, where the driver alone would bind a blob.</summary>
    public object Key(Guid id) => postgres is null ? id.ToString().ToUpperInvariant() : id;

    public ValueTask DisposeAsync() => postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
