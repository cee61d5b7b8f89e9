using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task UpgradingOverAccountsThatShareANameIgnoringCaseStopsWithAReportAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        await MigrateToJustBeforeAsync(db, Roster.Data.Migrations.M0013_IdentifierIntegrity.Id);
        // What older versions left behind: a rename that kept its old normalised name.
        var first = await InsertUserAsync(db, "shared", "SHARED", "one@example.org", "ONE@EXAMPLE.ORG");
        var second = await InsertUserAsync(db, "Shared", "OLD-NAME", "two@example.org", "TWO@EXAMPLE.ORG");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseSetup.MigrateAsync(services));

        Assert.Contains(first.ToString(), refused.Message);
        Assert.Contains(second.ToString(), refused.Message);
        Assert.Contains(Roster.Data.Migrations.M0013_IdentifierIntegrity.Id, await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task UpgradingRepairsNormalisedNamesThatOlderVersionsLeftBehind()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        await MigrateToJustBeforeAsync(db, Roster.Data.Migrations.M0013_IdentifierIntegrity.Id);
        // Two people who swapped names: the repair must not trip over the unique index half-way.
        var first = await InsertUserAsync(db, "bravo", "ALPHA", "bravo@example.org", "ALPHA@EXAMPLE.ORG");
        var second = await InsertUserAsync(db, "alpha", "BRAVO", "alpha@example.org", "BRAVO@EXAMPLE.ORG");

        await DatabaseSetup.MigrateAsync(services);

        db.ChangeTracker.Clear();
        var stored = await db.Users.AsNoTracking().OrderBy(u => u.UserName).Select(u => new { u.Id, u.NormalizedUserName, u.NormalizedEmail }).ToListAsync();
        Assert.Equal([new { Id = second, NormalizedUserName = (string?)"ALPHA", NormalizedEmail = (string?)"ALPHA@EXAMPLE.ORG" },
            new { Id = first, NormalizedUserName = (string?)"BRAVO", NormalizedEmail = (string?)"BRAVO@EXAMPLE.ORG" }], stored);
    }

    [Fact]
    public async Task UpgradingNumbersExistingPeopleAndGroupsInTheOrderTheyWereMadeAndStartsTheCounterPastThem()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        await MigrateToJustBeforeAsync(db, Roster.Data.Migrations.M0016_Posix.Id);
        var early = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var latest = await InsertUserAsync(db, "latest", "LATEST", "latest@example.org", "LATEST@EXAMPLE.ORG", early.AddDays(3));
        var first = await InsertUserAsync(db, "first", "FIRST", "first@example.org", "FIRST@EXAMPLE.ORG", early);
        var group = Guid.CreateVersion7();
        object groupKey = provider == "Sqlite" ? group.ToString().ToUpperInvariant() : group;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Groups" ("Id", "Name", "NormalizedName", "Description", "CreatedAt", "UpdatedAt")
            VALUES ({groupKey}, {"staff"}, {"STAFF"}, {""}, {early.AddDays(1)}, {early.AddDays(1)})
            """);

        await DatabaseSetup.MigrateAsync(services);

        db.ChangeTracker.Clear();
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.UidNumber);
        var counter = await db.PosixCounters.AsNoTracking().SingleAsync();
        Assert.Equal((10000, 10001, 10002), (users[first], (await db.Groups.AsNoTracking().SingleAsync()).GidNumber, users[latest]));
        Assert.Equal(("posix", 10003L), (counter.Name, counter.Next));
    }

    [Fact]
    public async Task AppsFromBeforeRequirePkceKeepSigningInWithoutItAndNewOnesRequireIt()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        await MigrateToJustBeforeAsync(db, Roster.Data.Migrations.M0021_ConsentAndPkce.Id);
        var id = Guid.CreateVersion7();
        object key = provider == "Sqlite" ? id.ToString().ToUpperInvariant() : id;
        var created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Apps" ("Id", "Name", "LaunchUrl", "Description", "DirectoryMode", "Access", "CreatedAt", "UpdatedAt", "ClientId")
            VALUES ({key}, {"Old wiki"}, {"https://wiki.example.org"}, {""}, {0}, {0}, {created}, {created}, {"oldwikiclient"})
            """);

        await db.Database.MigrateAsync();
        db.ChangeTracker.Clear();

        Assert.False((await db.Apps.SingleAsync(a => a.Id == id)).RequirePkce);
        Assert.True(new Roster.Apps.App().RequirePkce, "an app registered from now on requires PKCE");
    }

    [Fact]
    public async Task AppsFromBeforeTheDeviceSwitchKeepTheDeviceGrantAndAskNoOneForConsentWhileNewOnesStartWithoutDevices()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        var db = Context(services);
        await MigrateToJustBeforeAsync(db, Roster.Data.Migrations.M0023_Consents.Id);
        var id = Guid.CreateVersion7();
        object key = provider == "Sqlite" ? id.ToString().ToUpperInvariant() : id;
        var created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Apps" ("Id", "Name", "LaunchUrl", "Description", "DirectoryMode", "Access", "CreatedAt", "UpdatedAt", "ClientId")
            VALUES ({key}, {"Old TV app"}, {"https://tv.example.org"}, {""}, {0}, {0}, {created}, {created}, {"oldtvclient"})
            """);

        await db.Database.MigrateAsync();
        db.ChangeTracker.Clear();

        var app = await db.Apps.SingleAsync(a => a.Id == id);
        Assert.Equal((true, false), (app.AllowDeviceGrant, app.RequireConsent));
        Assert.False(new Roster.Apps.App().AllowDeviceGrant, "an app registered from now on may not sign in devices until an admin allows it");
    }

    private static async Task MigrateToJustBeforeAsync(RosterDb db, string migration)
    {
        var all = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(all[all.IndexOf(migration) - 1]);
    }

    private async Task<Guid> InsertUserAsync(RosterDb db, string userName, string normalizedUserName, string email, string normalizedEmail, DateTime? created = null)
    {
        var id = Guid.CreateVersion7();
        object key = provider == "Sqlite" ? id.ToString().ToUpperInvariant() : id;
        var now = created ?? DateTime.UtcNow;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Users" ("Id", "Name", "Role", "Enabled", "CreatedAt", "UpdatedAt", "UserName", "NormalizedUserName",
                "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash", "SecurityStamp", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "EmailVisible", "InvitationPending")
            VALUES ({key}, {userName}, {0}, {true}, {now}, {now}, {userName}, {normalizedUserName},
                {email}, {normalizedEmail}, {true}, {"hash"}, {"stamp"}, {false}, {false}, {true}, {0}, {true}, {false})
            """);
        return id;
    }

    [Fact]
    public async Task AnInstallWithPeopleUpgradesWithTheLdapAppPasswordsOnlySettingOffAndANewInstallHasItOn()
    {
        await using var upgraded = await TestDatabase.CreateAsync(provider);
        await using var fresh = await TestDatabase.CreateAsync(provider);
        await using var upgradedServices = Services(upgraded);
        await using var freshServices = Services(fresh);
        var db = Context(upgradedServices);
        await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        object key = provider == "Sqlite" ? Guid.CreateVersion7().ToString().ToUpperInvariant() : Guid.CreateVersion7();
        var created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Users" ("Id", "Name", "Role", "Enabled", "CreatedAt", "UpdatedAt", "UserName", "NormalizedUserName",
                "Email", "NormalizedEmail", "EmailConfirmed", "PasswordHash", "SecurityStamp", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ({key}, {"Mail User"}, {0}, {true}, {created}, {created}, {"mailer"}, {"MAILER"},
                {"mailer@example.org"}, {"MAILER@EXAMPLE.ORG"}, {true}, {"hash"}, {"stamp"}, {false}, {true}, {true}, {0})
            """);

        await db.Database.MigrateAsync();
        await Context(freshServices).Database.MigrateAsync();

        // An upgrade must not lock out mail clients that bind with the person's own password; a new install starts strict.
        Assert.Equal("false", await db.Settings.Where(s => s.Key == "Ldap.AppPasswordsOnlyForTwoFactor").Select(s => s.Value).SingleAsync());
        Assert.Empty(await Context(freshServices).Settings.ToListAsync());
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
            .Configure<Roster.Kernel.InstanceOptions>(configuration.GetSection("Roster"))
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
        // EF's own tables, SQLite's, the trigram search index (UserSearch) and SQLite's directory change log
        // (DirectoryChangeListener, read and written by hand), which live outside the model by design.
        return [.. rows
            .Where(r => !r.StartsWith("__EF", StringComparison.Ordinal) && !r.StartsWith("sqlite_", StringComparison.Ordinal))
            .Where(r => !r.StartsWith(UserSearch.SqliteTable, StringComparison.Ordinal) && !r.Contains("IX_Users_SearchText_trgm", StringComparison.Ordinal))
            .Where(r => !r.StartsWith(Roster.DirectoryServer.DirectoryChangeListener.LogTable + " ", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }
}

public sealed class MigrationsOnSqlite() : MigrationTests("Sqlite");

public sealed class MigrationsOnPostgres() : MigrationTests("Postgres");
