using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

/// <summary>The next POSIX number of a sequence; a row that only ever grows, so no number is given twice.</summary>
public sealed class PosixCounter
{
    public string Name { get; set; } = "";
    public long Next { get; set; }
}

/// <summary>
/// Draws the POSIX number of every new person and group as it is saved, whichever code creates it (the pages,
/// the API, invitations, the first owner, the command line): a save that adds one without a number takes the
/// next ones from the counter in the same transaction (its own, when the caller has none). The counter row is
/// updated in one statement, which PostgreSQL locks per row and SQLite takes under its single writer, so
/// concurrent creations get distinct numbers; unique indexes on the numbers are the database's own check.
/// Numbers of deleted people and groups are never drawn again: the counter only grows. A save that fails gives
/// its numbers back to its entities as 0, so a retry draws afresh instead of reusing numbers it rolled back.
/// </summary>
public sealed class PosixNumbers(IOptions<PosixOptions> options) : SaveChangesInterceptor
{
    public const string CounterName = "posix";

    private readonly ConditionalWeakTable<DbContext, Drawing> drawings = [];

    private sealed record Drawing(IDbContextTransaction? Owned, List<IPosixNumbered> Numbered);

    /// <summary>
    /// Numbers that Linux hosts give a meaning of their own and that are skipped: systemd's dynamic service
    /// users (61184–65519), nobody (65534) and the 16-bit (uid_t)-1 (65535). See systemd's "Users, Groups, UIDs
    /// and GIDs on systemd Systems".
    /// </summary>
    public static bool IsReserved(long number) => number is >= ReservedFirst and <= ReservedLast;

    private const long ReservedFirst = 61184;
    private const long ReservedLast = 65535;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && Waiting(context) is { Count: > 0 } waiting)
        {
            var owned = context.Database.CurrentTransaction is null ? context.Database.BeginTransaction() : null;
            try
            {
                var numbers = new List<int>();
                while (numbers.Count < waiting.Count)
                {
                    var count = waiting.Count - numbers.Count;
                    var end = context.Database.SqlQuery<long>(DrawSql(count)).ToList()[0];
                    numbers.AddRange(Usable(end - count, end));
                }
                Give(context, waiting, owned, numbers);
            }
            catch
            {
                owned?.Dispose();
                throw;
            }
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Waiting(context) is { Count: > 0 } waiting)
        {
            var owned = context.Database.CurrentTransaction is null ? await context.Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                // A second round (rarely a third) only when a round's numbers fell among the reserved ones.
                var numbers = new List<int>();
                while (numbers.Count < waiting.Count)
                {
                    var count = waiting.Count - numbers.Count;
                    var end = (await context.Database.SqlQuery<long>(DrawSql(count)).ToListAsync(cancellationToken))[0];
                    numbers.AddRange(Usable(end - count, end));
                }
                Give(context, waiting, owned, numbers);
            }
            catch
            {
                if (owned is not null)
                    await owned.DisposeAsync();
                throw;
            }
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Finish(eventData.Context) is { Owned: { } owned })
        {
            owned.Commit();
            owned.Dispose();
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Finish(eventData.Context) is { Owned: { } owned })
        {
            await owned.CommitAsync(cancellationToken);
            await owned.DisposeAsync();
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Undo(eventData.Context)?.Dispose();

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Undo(eventData.Context) is { } owned)
            await owned.DisposeAsync();
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Undo(eventData.Context)?.Dispose();

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Undo(eventData.Context) is { } owned)
            await owned.DisposeAsync();
    }

    /// <summary>New people and groups without a number, oldest first.</summary>
    private List<IPosixNumbered> Waiting(DbContext context)
    {
        // Whatever an earlier save left here (one another interceptor stopped before it ended) is not this save's.
        drawings.Remove(context);
        return [.. context.ChangeTracker.Entries<IPosixNumbered>()
            .Where(e => e.State == EntityState.Added && e.Entity.PosixNumber == 0)
            .Select(e => e.Entity)
            .OrderBy(e => e.CreatedAt)];
    }

    private void Give(DbContext context, List<IPosixNumbered> waiting, IDbContextTransaction? owned, List<int> numbers)
    {
        for (var i = 0; i < waiting.Count; i++)
            waiting[i].PosixNumber = numbers[i];
        drawings.AddOrUpdate(context, new Drawing(owned, waiting));
    }

    /// <summary>The numbers of [start, end) a person or group may have; past the configured range, none can be created.</summary>
    private IEnumerable<int> Usable(long start, long end)
    {
        var last = options.Value.LastId;
        if (end - 1 > last)
            throw new InvalidOperationException(
                $"The POSIX numbers up to Roster__Posix__LastId ({last}) are all given: no person or group can be created until it is raised.");
        for (var number = start; number < end; number++)
            if (!IsReserved(number))
                yield return (int)number;
    }

    /// <summary>
    /// Takes <paramref name="count"/> numbers and answers the counter's new value (the numbers are the ones just
    /// below it). Creates the counter when missing, moves it up to FirstId when that was raised, and past the
    /// reserved numbers when it stands among them, so a round that ran into them is followed by one beyond them;
    /// in the syntax SQLite (3.35+) and PostgreSQL share.
    /// </summary>
    private FormattableString DrawSql(int count)
    {
        long first = options.Value.FirstId;
        long taken = count;
        return $"""
            INSERT INTO "PosixCounters" ("Name", "Next") VALUES ({CounterName}, {first + taken})
            ON CONFLICT ("Name") DO UPDATE SET "Next" = CASE
                WHEN "PosixCounters"."Next" < {first} THEN {first}
                WHEN "PosixCounters"."Next" BETWEEN {ReservedFirst} AND {ReservedLast} THEN {ReservedLast + 1}
                ELSE "PosixCounters"."Next" END + {taken}
            RETURNING "Next" AS "Value"
            """;
    }

    private Drawing? Finish(DbContext? context)
    {
        if (context is null || !drawings.TryGetValue(context, out var drawing))
            return null;
        drawings.Remove(context);
        return drawing;
    }

    private IDbContextTransaction? Undo(DbContext? context)
    {
        var drawing = Finish(context);
        foreach (var numbered in drawing?.Numbered ?? [])
            numbered.PosixNumber = 0;
        return drawing?.Owned;
    }
}
