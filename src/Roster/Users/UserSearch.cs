using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Users;

/// <summary>
/// Substring search over name, username and email that stays fast at 100,000+ users: a trigram index on
/// the computed <see cref="User.SearchText"/> column (pg_trgm on PostgreSQL, an FTS5 trigram table kept
/// by triggers on SQLite). Terms under three characters, which no trigram index can serve, are scanned.
/// </summary>
public static class UserSearch
{
    public const string Expression = """lower("Name" || ' ' || coalesce("UserName", '') || ' ' || coalesce("Email", ''))""";

    /// <summary>The SQLite table that indexes <see cref="User.SearchText"/> by trigrams, and the triggers that keep it current.</summary>
    public const string SqliteTable = "UserSearch";

    public static IQueryable<User> Matching(RosterDb db, string term)
    {
        var lower = term.ToLowerInvariant();
        // FTS5 serves LIKE from its trigram index only without an ESCAPE clause, so terms holding a
        // wildcard character take the scan below.
        if (db.Database.IsSqlite() && lower.Length >= 3 && lower.IndexOfAny(['%', '_', '\\']) < 0)
            return db.Users.FromSql($"""
                SELECT * FROM "Users" WHERE "Id" IN (SELECT "Id" FROM "UserSearch" WHERE "SearchText" LIKE {"%" + lower + "%"})
                """);
        var pattern = "%" + lower.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        return db.Users.Where(u => EF.Functions.Like(u.SearchText!, pattern, @"\"));
    }

    /// <summary>Builds the trigram index of the provider the migration runs on.</summary>
    public static void CreateIndex(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.IsSqlite())
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "UserSearch" USING fts5("SearchText", "Id" UNINDEXED, tokenize = 'trigram');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "UserSearch_insert" AFTER INSERT ON "Users" BEGIN
                    INSERT INTO "UserSearch" ("SearchText", "Id") VALUES (new."SearchText", new."Id");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "UserSearch_update" AFTER UPDATE OF "Name", "UserName", "Email" ON "Users" BEGIN
                    DELETE FROM "UserSearch" WHERE "Id" = old."Id";
                    INSERT INTO "UserSearch" ("SearchText", "Id") VALUES (new."SearchText", new."Id");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "UserSearch_delete" AFTER DELETE ON "Users" BEGIN
                    DELETE FROM "UserSearch" WHERE "Id" = old."Id";
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "UserSearch" ("SearchText", "Id") SELECT "SearchText", "Id" FROM "Users";""");
        }
        else
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""CREATE INDEX "IX_Users_SearchText_trgm" ON "Users" USING gin ("SearchText" gin_trgm_ops);""");
        }
    }
}
