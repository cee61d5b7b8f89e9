using Microsoft.Data.Sqlite;
using Roster.Data;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Data;

public sealed class DirectConnectionsTests
{
    private const int PageSize = 4096;
    private const int FrameHeaderSize = 24;
    /// <summary>SQLite's default: a commit that leaves this many pages in the log checkpoints it.</summary>
    private const int AutoCheckpointPages = 1000;

    /// <summary>
    /// A token refresh is one UPDATE … RETURNING whose row is read and done with. Each such write must still
    /// checkpoint the write-ahead log now and then, or the log grows by a page for every refresh for as long
    /// as the server runs.
    /// </summary>
    [Fact]
    public async Task WritesReadThroughReturningKeepTheLogFromGrowingWithoutBound()
    {
        await using var database = new SqliteTestDatabase();
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        await using (var setup = new SqliteConnection(database.ConnectionString))
        {
            await setup.OpenAsync();
            await using var create = setup.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE "Counters" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL);
                INSERT INTO "Counters" VALUES (1, 0);
                """;
            await create.ExecuteNonQueryAsync();
        }

        await using var connections = new DirectConnections(DatabaseProvider.Sqlite, database.ConnectionString);
        const int writes = 3 * AutoCheckpointPages;
        for (var expected = 1L; expected <= writes; expected++)
        {
            var value = await connections.QueryAsync("""UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Id" = 1 RETURNING "Value" """, [],
                async reader => await reader.ReadAsync() ? reader.GetInt64(0) : -1, CancellationToken.None);
            Assert.Equal(expected, value);
        }

        // Each write adds one page to the log; after a checkpoint the next write starts the log over.
        var logPages = new FileInfo(path + "-wal").Length / (PageSize + FrameHeaderSize);
        Assert.InRange(logPages, 1, AutoCheckpointPages + 10);
    }
}
