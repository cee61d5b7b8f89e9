using System.Data.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Roster.Data;

/// <summary>
/// Versions before the identifier-integrity migration could leave a renamed account's normalised username
/// or email behind, so the unique indexes missed duplicates. This recomputes them once, before that
/// migration, and stops the upgrade with a report when two accounts share a name or an address ignoring
/// case: which one to keep is a person's decision, not a guess Roster should make.
/// </summary>
public static class IdentifierCheck
{
    private sealed record Row(object Key, string Id, string? UserName, string? Email, string? NormalizedUserName, string? NormalizedEmail);

    public static async Task RunAsync(RosterDb db, CancellationToken cancellationToken)
    {
        var normalizer = new UpperInvariantLookupNormalizer();
        var rows = await ReadAsync(db, cancellationToken);
        var clashes = Clashes(rows, r => normalizer.NormalizeName(r.UserName), "username")
            .Concat(Clashes(rows, r => normalizer.NormalizeEmail(r.Email), "email"))
            .ToList();
        if (clashes.Count > 0)
            throw new InvalidOperationException(
                "The database has accounts that share a username or email once case is ignored, which Roster no longer allows: " +
                string.Join("; ", clashes) +
                ". Roster will not guess which to keep: change or delete all but one of each (in the version you ran before), then upgrade again.");

        var stale = rows.Where(r => r.NormalizedUserName != normalizer.NormalizeName(r.UserName) || r.NormalizedEmail != normalizer.NormalizeEmail(r.Email)).ToList();
        if (stale.Count == 0)
            return;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Cleared first, then set: two accounts that swapped names would otherwise collide half-way.
        foreach (var row in stale)
            await db.Database.ExecuteSqlAsync($"""UPDATE "Users" SET "NormalizedUserName" = NULL, "NormalizedEmail" = NULL WHERE "Id" = {row.Key}""", cancellationToken);
        foreach (var row in stale)
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Users" SET "NormalizedUserName" = {normalizer.NormalizeName(row.UserName)}, "NormalizedEmail" = {normalizer.NormalizeEmail(row.Email)}
                WHERE "Id" = {row.Key}
                """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<string> Clashes(List<Row> rows, Func<Row, string?> normalized, string what) =>
        rows.Where(r => normalized(r) is not null)
            .GroupBy(normalized)
            .Where(g => g.Count() > 1)
            .Select(g => $"{what} \"{g.First().UserName ?? g.First().Email}\" is used by {string.Join(", ", g.Select(r => $"{r.Id} ({(what == "username" ? r.UserName : r.Email)})"))}");

    // Read by hand: the model already has the columns this migration adds, the table does not yet.
    private static async Task<List<Row>> ReadAsync(RosterDb db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "Id", "UserName", "Email", "NormalizedUserName", "NormalizedEmail" FROM "Users" """;
            await using DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<Row>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetValue(0);
                rows.Add(new Row(key, key.ToString()!.ToLowerInvariant(), Text(reader, 1), Text(reader, 2), Text(reader, 3), Text(reader, 4)));
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
