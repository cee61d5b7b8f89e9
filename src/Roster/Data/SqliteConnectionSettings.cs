using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Data;

/// <summary>
/// Settings SQLite keeps per connection, applied once to each new native connection:
/// <list type="bullet">
/// <item>A busy timeout, so a second writer waits inside SQLite, in steps of a few milliseconds, for the
/// first to commit. Without one SQLite answers "busy" at once and Microsoft.Data.Sqlite sleeps 150 ms
/// before retrying, which turns two concurrent writes into a 150 ms stall.</item>
/// <item><c>synchronous=NORMAL</c>, SQLite's advice for write-ahead logging: a commit survives the process
/// being killed at any moment and the file is never corrupted; only a power cut or kernel crash may take
/// back the last commits before the next checkpoint. Without it every commit waits for the disk while
/// holding the only write lock, and concurrent sign-ins queue behind it.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    private const int BusyTimeoutMilliseconds = 10_000;
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    public static void Apply(DbConnection connection)
    {
        // Pooled connections keep their native handle, and the handle keeps its settings: once per handle.
        if (connection is not SqliteConnection { Handle: { } handle } || Configured.TryGetValue(handle, out _))
            return;
        SQLitePCL.raw.sqlite3_busy_timeout(handle, BusyTimeoutMilliseconds);
        SQLitePCL.raw.sqlite3_exec(handle, "PRAGMA synchronous=NORMAL;");
        Configured.AddOrUpdate(handle, true);
    }
}
