using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Roster.Data;

/// <summary>
/// The hand-written statements on SQLite, over one connection kept open with its statements prepared, and
/// committed in groups. The first statement to arrive lets the requests that are ready to run catch up, twice,
/// then runs every statement waiting by then in one transaction, in the order they came, and answers each
/// caller only once that transaction has committed. A commit (the locks, the log's page writes) is most of what a
/// one-row write costs, so under load each refresh pays for part of one; alone, a statement is its own group.
/// If any statement of a group fails, the group is rolled back and each statement runs again in a transaction
/// of its own, so one caller's failure is never another's. Every write is committed by that explicit COMMIT,
/// which runs SQLite's automatic checkpoint: a write committed only by resetting its statement (a RETURNING row
/// read and done with) never checkpoints, and the write-ahead log would grow for as long as Roster runs.
/// </summary>
internal sealed class SqliteGroupCommit(string connectionString) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Statement> waiting = new();
    private readonly Dictionary<string, SqliteCommand> prepared = [];
    private SqliteConnection? connection;
    /// <summary>1 while <see cref="CommitWaitingAsync"/> runs; only one runs at a time.</summary>
    private int committing;

    public async Task<T> QueryAsync<T>(string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<DbDataReader, Task<T>> read)
    {
        var statement = new Statement(sql, parameters, async reader => await read(reader));
        waiting.Enqueue(statement);
        if (Interlocked.Exchange(ref committing, 1) == 0)
        {
            // The loop serves every caller, so it runs without this one's execution context (its request).
            using (ExecutionContext.SuppressFlow())
                _ = CommitWaitingAsync();
        }
        return (T)(await statement.Answer.Task)!;
    }

    private async Task CommitWaitingAsync()
    {
        do
        {
            // Requests already queued on the thread pool run up to their own statement before this goes on; the
            // second pass lets in those whose bytes arrived during the first. A third added nothing (bench/README.md).
            await Task.Yield();
            await Task.Yield();
            var group = new List<Statement>();
            while (waiting.TryDequeue(out var statement))
                group.Add(statement);
            await CommitAsync(group);
            Volatile.Write(ref committing, 0);
        }
        // A statement that came after the group was taken, while committing was still 1, is this loop's to run.
        while (!waiting.IsEmpty && Interlocked.Exchange(ref committing, 1) == 0);
    }

    private async Task CommitAsync(List<Statement> group)
    {
        var answers = new object?[group.Count];
        try
        {
            await using (var transaction = Connection().BeginTransaction(deferred: false))
            {
                for (var i = 0; i < group.Count; i++)
                    answers[i] = await RunAsync(group[i], transaction);
                await transaction.CommitAsync();
            }
            for (var i = 0; i < group.Count; i++)
                group[i].Answer.SetResult(answers[i]);
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var statement in group)
                await CommitAsync([statement]);
        }
        catch (Exception failure)
        {
            group[0].Answer.SetException(failure);
        }
    }

    private async Task<object?> RunAsync(Statement statement, SqliteTransaction transaction)
    {
        var command = Prepared(statement.Sql);
        command.Transaction = transaction;
        foreach (var (name, given) in statement.Parameters)
        {
            var key = "@" + name;
            // EF keeps a Guid as upper-case text on SQLite, where the driver alone would bind a blob that matches no row.
            var value = given is Guid id ? id.ToString().ToUpperInvariant() : given;
            if (command.Parameters.Contains(key))
                command.Parameters[key].Value = value;
            else
                command.Parameters.AddWithValue(key, value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        return await statement.Read(reader);
    }

    private SqliteConnection Connection()
    {
        if (connection is null)
        {
            connection = new SqliteConnection(connectionString);
            connection.Open();
            SqliteConnectionSettings.Apply(connection);
        }
        return connection;
    }

    private SqliteCommand Prepared(string sql)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = Connection().CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            prepared.Add(sql, command);
        }
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in prepared.Values)
            await command.DisposeAsync();
        if (connection is not null)
            await connection.DisposeAsync();
    }

    private sealed record Statement(string Sql, IReadOnlyList<(string Name, object Value)> Parameters, Func<DbDataReader, Task<object?>> Read)
    {
        /// <summary>Set once the group has committed; its continuation runs elsewhere, not inside the next group.</summary>
        public TaskCompletionSource<object?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
