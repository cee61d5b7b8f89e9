using Roster.Data;

namespace Roster.Accounts;

/// <summary>One count of credential attempts: for one key (an address, a name) in the window that began at <see cref="WindowStart"/>.</summary>
public sealed class CredentialCounter
{
    public string Key { get; set; } = "";

    /// <summary>Unix milliseconds: the same number on SQLite and PostgreSQL, compared as a number on both.</summary>
    public long WindowStart { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// Credential attempts counted per key in fixed windows, in the database, so that every instance counts
/// the same attempts: the per-address limits and the lockout of names that match no account hold however
/// many instances share the work. Each count is one statement that inserts or increments its row.
/// </summary>
public sealed class CredentialCounters(DirectConnections connections, TimeProvider clock)
{
    // A window that has ended starts again at 1. SET sees the row as it was, so both CASEs test the old window.
    private const string IncrementSql = """
        INSERT INTO "CredentialCounters" ("Key", "WindowStart", "Count") VALUES (@key, @now, 1)
        ON CONFLICT ("Key") DO UPDATE SET
            "Count" = CASE WHEN "CredentialCounters"."WindowStart" <= @ended THEN 1 ELSE "CredentialCounters"."Count" + 1 END,
            "WindowStart" = CASE WHEN "CredentialCounters"."WindowStart" <= @ended THEN @now ELSE "CredentialCounters"."WindowStart" END
        RETURNING "Count"
        """;

    private const string PeekSql = """
        SELECT "Count" FROM "CredentialCounters" WHERE "Key" = @key AND "WindowStart" > @ended
        """;

    private const string ForgetSql = """
        DELETE FROM "CredentialCounters" WHERE "Key" = @key
        """;

    private const string PurgeSql = """
        DELETE FROM "CredentialCounters" WHERE "WindowStart" <= @ended
        """;

    /// <summary>Counts one attempt for <paramref name="key"/>; the attempts in its current window, this one included.</summary>
    public Task<int> CountAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return connections.QueryAsync(IncrementSql, [("key", key), ("now", now), ("ended", now - (long)window.TotalMilliseconds)], ReadCountAsync, cancellationToken);
    }

    /// <summary>The attempts for <paramref name="key"/> in its current window, without counting one.</summary>
    public Task<int> PeekAsync(string key, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return connections.QueryAsync(PeekSql, [("key", key), ("ended", now - (long)window.TotalMilliseconds)], ReadCountAsync, cancellationToken);
    }

    /// <summary>Forgets the count for <paramref name="key"/>: the next attempt starts a new window at 1.</summary>
    public Task ForgetAsync(string key, CancellationToken cancellationToken = default) =>
        connections.QueryAsync(ForgetSql, [("key", key)], reader => Task.FromResult(reader.RecordsAffected), cancellationToken);

    /// <summary>Forgets counts whose window ended longer ago than <paramref name="longest"/>, the longest window any caller uses.</summary>
    public Task PurgeAsync(TimeSpan longest, CancellationToken cancellationToken = default)
    {
        var ended = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)longest.TotalMilliseconds;
        return connections.QueryAsync(PurgeSql, [("ended", ended)], reader => Task.FromResult(reader.RecordsAffected), cancellationToken);
    }

    private static async Task<int> ReadCountAsync(System.Data.Common.DbDataReader reader) =>
        await reader.ReadAsync() ? Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) : 0;
}
