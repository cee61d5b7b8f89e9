using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Roster.Bench;

/// <summary>Bulk-inserts the generated users straight into a migrated database, while no server runs.</summary>
public static class Seeder
{
    private static readonly string[] Columns =
    [
        "Id", "Name", "Role", "Enabled", "EmailVisible", "InvitationPending", "CreatedAt", "UpdatedAt",
        "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash",
        "SecurityStamp", "ConcurrencyStamp", "PhoneNumber", "PhoneNumberConfirmed", "TwoFactorEnabled",
        "LockoutEnd", "LockoutEnabled", "AccessFailedCount", "UidNumber",
    ];

    private static string ColumnList => string.Join(", ", Columns.Select(c => $"\"{c}\""));

    /// <summary>EF Core's SQLite provider stores GUIDs as upper-case text and DateTimes in this text format.</summary>
    private const string SqliteDateFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static async Task SeedSqliteAsync(string connectionString, IReadOnlyList<SeedUser> users)
    {
        SQLitePCL.Batteries_V2.Init();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO \"Users\" ({ColumnList}) VALUES ({string.Join(", ", Columns.Select((_, i) => $"$p{i}"))})";
            var parameters = Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            insert.Prepare();
            var numbers = await DrawPosixNumbersAsync(connection, transaction, users.Count);
            foreach (var (user, number) in users.Zip(numbers))
            {
                object?[] values =
                [
                    user.Id.ToString("D").ToUpperInvariant(), user.Name, user.Role, Bit(user.Enabled), Bit(user.EmailVisible),
                    Bit(user.InvitationPending), SqliteDate(user.CreatedAt), SqliteDate(user.UpdatedAt),
                    user.UserName, user.UserName.ToUpperInvariant(), user.Email, user.Email.ToUpperInvariant(),
                    Bit(!user.InvitationPending), user.PasswordHash, user.SecurityStamp, user.ConcurrencyStamp,
                    null, 0, 0, null, 1, 0, number,
                ];
                for (var i = 0; i < values.Length; i++)
                    parameters[i].Value = values[i] ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// POSIX numbers for <paramref name="count"/> people or groups inserted here, taken from Roster's counter as Roster
    /// takes them (Accounts.PosixNumbers): unique, past everything already numbered, skipping 61184–65535.
    /// </summary>
    public static async Task<int[]> DrawPosixNumbersAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, int count)
    {
        const int reserved = 65535 - 61184 + 1;
        await using var draw = connection.CreateCommand();
        draw.Transaction = transaction;
        draw.CommandText = """
            INSERT INTO "PosixCounters" ("Name", "Next") VALUES ('posix', 10000 + @taken)
            ON CONFLICT ("Name") DO UPDATE SET "Next" = "PosixCounters"."Next" + @taken RETURNING "Next"
            """;
        var taken = draw.CreateParameter();
        taken.ParameterName = "@taken";
        taken.Value = (long)count + reserved;
        draw.Parameters.Add(taken);
        var end = Convert.ToInt64(await draw.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        var start = end - count - reserved;
        return [.. Enumerable.Range(0, count + reserved).Select(i => start + i).Where(n => n is < 61184 or > 65535).Take(count).Select(n => (int)n)];
    }

    /// <summary>Runs ANALYZE, which Roster itself never does on SQLite (so it is off by default).</summary>
    public static async Task AnalyzeSqliteAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }

    public static async Task SeedPostgresAsync(string connectionString, IReadOnlyList<SeedUser> users)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var numbers = await DrawPosixNumbersAsync(connection, null, users.Count);
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY \"Users\" ({ColumnList}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (user, number) in users.Zip(numbers))
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(user.Name, NpgsqlDbType.Varchar);
                await writer.WriteAsync(user.Role, NpgsqlDbType.Integer);
                await writer.WriteAsync(user.Enabled, NpgsqlDbType.Boolean);
                await writer.WriteAsync(user.EmailVisible, NpgsqlDbType.Boolean);
                await writer.WriteAsync(user.InvitationPending, NpgsqlDbType.Boolean);
                await writer.WriteAsync(user.CreatedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(user.UpdatedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(user.UserName, NpgsqlDbType.Varchar);
                await writer.WriteAsync(user.UserName.ToUpperInvariant(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(user.Email, NpgsqlDbType.Varchar);
                await writer.WriteAsync(user.Email.ToUpperInvariant(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(!user.InvitationPending, NpgsqlDbType.Boolean);
                if (user.PasswordHash is null)
                    await writer.WriteNullAsync();
                else
                    await writer.WriteAsync(user.PasswordHash, NpgsqlDbType.Text);
                await writer.WriteAsync(user.SecurityStamp, NpgsqlDbType.Text);
                await writer.WriteAsync(user.ConcurrencyStamp, NpgsqlDbType.Text);
                await writer.WriteNullAsync();
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteAsync(false, NpgsqlDbType.Boolean);
                await writer.WriteNullAsync();
                await writer.WriteAsync(true, NpgsqlDbType.Boolean);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
                await writer.WriteAsync(number, NpgsqlDbType.Integer);
            }
            await writer.CompleteAsync();
        }
        // The state autovacuum reaches a minute after a bulk load: visibility map set, statistics fresh.
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE \"Users\"", connection);
        await vacuum.ExecuteNonQueryAsync();
    }

    public static async Task RecreatePostgresDatabaseAsync(string connectionString)
    {
        var (admin, name) = AdminConnection(connectionString);
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection))
            await drop.ExecuteNonQueryAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    public static async Task DropPostgresDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var (admin, name) = AdminConnection(connectionString);
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static (string Admin, string Database) AdminConnection(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database ?? throw new ArgumentException("The PostgreSQL connection string names no Database.");
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"Refusing to drop and create a database named '{name}': use letters, digits and '_'.");
        builder.Database = "postgres";
        builder.Pooling = false;
        return (builder.ConnectionString, name);
    }

    private static int Bit(bool value) => value ? 1 : 0;

    private static string SqliteDate(DateTime value) => value.ToString(SqliteDateFormat, CultureInfo.InvariantCulture);
}
