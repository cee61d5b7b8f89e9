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

    private const string Increment = """UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Id" = 1 RETURNING "Value" """;

    [Fact]
    public async Task ConcurrentWritesCommittedTogetherEachGetTheirOwnAnswer()
    {
        await using var database = await CounterDatabaseAsync();
        await using var connections = new DirectConnections(DatabaseProvider.Sqlite, database.ConnectionString);

        var values = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => IncrementAsync(connections)));

        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), values.Order());
        Assert.Equal(200, await StoredValueAsync(database));
    }

    [Fact]
    public async Task AStatementThatFailsInAGroupFailsAloneAndTheOthersAreCommitted()
    {
        await using var database = await CounterDatabaseAsync();
        await using var connections = new DirectConnections(DatabaseProvider.Sqlite, database.ConnectionString);

        var before = Enumerable.Range(0, 20).Select(_ => IncrementAsync(connections)).ToList();
        var failing = connections.QueryAsync("""UPDATE "Counters" SET "Value" = NULL WHERE "Id" = 1 RETURNING "Value" """, [],
            async reader => await reader.ReadAsync(), CancellationToken.None);
        var after = Enumerable.Range(0, 20).Select(_ => IncrementAsync(connections)).ToList();

        var failure = await Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.Contains("NOT NULL", failure.Message);
        Assert.Equal(Enumerable.Range(1, 40).Select(v => (long)v), (await Task.WhenAll([.. before, .. after])).Order());
        Assert.Equal(40, await StoredValueAsync(database));
    }

    /// <summary>
    /// A token refresh is one UPDATE … RETURNING whose row is read and done with. Each such write must still
    /// checkpoint the write-ahead log now and then, or the log grows by a page for every refresh for as long
    /// as the server runs.
    /// </summary>
    [Fact]
    public async Task WritesReadThroughReturningKeepTheLogFromGrowingWithoutBound()
    {
        await using var database = await CounterDatabaseAsync();
        await using var connections = new DirectConnections(DatabaseProvider.Sqlite, database.ConnectionString);
        const int writes = 3 * AutoCheckpointPages;
        for (var expected = 1L; expected <= writes; expected++)
            Assert.Equal(expected, await IncrementAsync(connections));

        // Each write adds one page to the log; after a checkpoint the next write starts the log over.
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var logPages = new FileInfo(path + "-wal").Length / (PageSize + FrameHeaderSize);
        Assert.InRange(logPages, 1, AutoCheckpointPages + 10);
    }

    private static Task<long> IncrementAsync(DirectConnections connections) =>
        connections.QueryAsync(Increment, [], async reader => await reader.ReadAsync() ? reader.GetInt64(0) : -1, CancellationToken.None);

    /// <summary>A SQLite file in write-ahead-log mode, as Roster keeps it, with one counter at 0.</summary>
    private static async Task<SqliteTestDatabase> CounterDatabaseAsync()
    {
        var database = new SqliteTestDatabase();
        await using var setup = new SqliteConnection(database.ConnectionString);
        await setup.OpenAsync();
        await using var create = setup.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE "Counters" ("Id" INTEGER PRIMARY KEY, "Value" INTEGER NOT NULL);
            INSERT INTO "Counters" VALUES (1, 0);
            """;
        await create.ExecuteNonQueryAsync();
        return database;
    }

    private static async Task<long> StoredValueAsync(SqliteTestDatabase database)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = """SELECT "Value" FROM "Counters" WHERE "Id" = 1""";
        return (long)(await select.ExecuteScalarAsync())!;
    }
}
