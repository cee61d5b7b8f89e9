using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Data;

/// <summary>
/// Lets SQLite itself wait, in steps of a few milliseconds, when another connection holds the write lock.
/// Without a busy timeout SQLite answers "busy" at once and Microsoft.Data.Sqlite retries after sleeping
/// 150 ms, which turns two concurrent writes into a 150 ms stall.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const int Milliseconds = 10_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        // A native call on the open handle: no statement to prepare, so it costs nothing per request.
        if (connection is SqliteConnection { Handle: { } handle })
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
    }
}
