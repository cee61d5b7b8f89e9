using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Data;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Data;

/// <summary>The hand-written migrations are the only way the schema is made; these tests hold them to the model.</summary>
public abstract class MigrationTests(string provider)
{
    [Fact]
    public async Task TheMigrationsBuildExactlyTheSchemaTheModelDescribes()
    {
        await using var migrated = await TestDatabase.CreateAsync(provider);
        await using var created = await TestDatabase.CreateAsync(provider);
        await using (var services = Services(migrated))
            await Context(services).Database.MigrateAsync();
        await using (var services = Services(created))
            await Context(services).Database.EnsureCreatedAsync();

        Assert.Equal(await DescribeAsync(created), await DescribeAsync(migrated));
    }

    [Fact]
    public async Task UpgradingFromTheFirstMigrationKeepsExistingRows()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        var migrations = db.Database.GetMigrations().ToList();
        Assert.True(migrations.Count > 1, "there is only one migration, so no upgrade to test");
        await db.GetService<IMigrator>().MigrateAsync(migrations[0]);

        // Written with the first migration's columns only, as the version that had just that schema would have.
        var id = Guid.CreateVersion7();
        object key = provider == "Sqlite" ? id.ToString().ToUpperInvariant() : id;
        var created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Users" ("Id", "Name", "Role", "Enabled", "CreatedAt", "UpdatedAt", "UserName", "NormalizedUserName",
                "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash", "SecurityStamp", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ({key}, {"Early Bird"}, {(int)Role.Admin}, {false}, {created}, {created}, {"early"}, {"EARLY"},
                {"early@example.org"}, {"EARLY@EXAMPLE.ORG"}, {true}, {"hash"}, {"stamp"}, {false}, {false}, {true}, {0})
            """);

        await db.Database.MigrateAsync();
        db.ChangeTracker.Clear();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var stored = await db.Users.SingleAsync();
        Assert.Equal(
            (id, "early", "early@example.org", "Early Bird", Role.Admin, false, "hash", "stamp", created),
            (stored.Id, stored.UserName, stored.Email, stored.Name, stored.Role, stored.Enabled, stored.PasswordHash, stored.SecurityStamp, stored.CreatedAt));
        Assert.True(stored.EmailVisible, "a column added later takes its default for existing rows");
    }

    [Fact]
    public async Task MigratingTwiceChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        await DatabaseSetup.MigrateAsync(services);
        var before = await DescribeAsync(database);

        await DatabaseSetup.MigrateAsync(services);

        Assert.Equal(before, await DescribeAsync(database));
    }

    private static ServiceProvider Services(TestDatabase database)
    {
        var data = Directory.CreateTempSubdirectory("roster-test-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(database.Settings().Append(new("Roster:DataDirectory", data)))
            .Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .Configure<Roster.Hosting.InstanceOptions>(configuration.GetSection("Roster"))
            .AddLogging()
            .AddRosterDatabase(configuration)
            .BuildServiceProvider();
    }

    private static RosterDb Context(IServiceProvider services) => services.CreateScope().ServiceProvider.GetRequiredService<RosterDb>();

    /// <summary>Tables, columns, indexes and foreign keys, as the database itself reports them.</summary>
    private async Task<List<string>> DescribeAsync(TestDatabase database)
    {
        await using var services = Services(database);
        var connection = Context(services).Database.GetDbConnection();
        await connection.OpenAsync();
        string[] queries = provider == "Sqlite"
            ?
            [
                """SELECT m.name, p.name, p.type, p."notnull", p.pk, m.sql LIKE '%AUTOINCREMENT%' FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'""",
                """SELECT m.name, il.name, il."unique", group_concat(ii.name) FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii WHERE m.type = 'table' GROUP BY m.name, il.name, il."unique" """,
                """SELECT m.name, f."table", f."from", f."to", f.on_delete FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'""",
            ]
            :
            [
                "SELECT table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length, -1), is_identity, coalesce(identity_generation, '') FROM information_schema.columns WHERE table_schema = 'public'",
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
                "SELECT tc.table_name, tc.constraint_name, tc.constraint_type, coalesce(rc.delete_rule, '') FROM information_schema.table_constraints tc LEFT JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name WHERE tc.table_schema = 'public' AND tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')",
            ];
        var rows = new List<string>();
        foreach (var sql in queries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString())));
        }
        // EF's own tables, SQLite's, and the trigram search index (UserSearch), which lives outside the model by design.
        return [.. rows
            .Where(r => !r.StartsWith("__EF", StringComparison.Ordinal) && !r.StartsWith("sqlite_", StringComparison.Ordinal))
            .Where(r => !r.StartsWith(UserSearch.SqliteTable, StringComparison.Ordinal) && !r.Contains("IX_Users_SearchText_trgm", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }
}

public sealed class MigrationsOnSqlite() : MigrationTests("Sqlite");

public sealed class MigrationsOnPostgres() : MigrationTests("Postgres");
