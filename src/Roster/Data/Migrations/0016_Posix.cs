using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// POSIX accounts for Linux hosts: a number for every person (uidNumber, also their private group's gidNumber) and
/// every group (gidNumber) from one sequence, and people's SSH public keys. Existing people and groups are numbered
/// here in the order they were made, from 10000 (the default Roster:Posix:FirstId; a higher configured one applies
/// to those made afterwards), skipping the numbers Linux reserves (Accounts.PosixNumbers.IsReserved); the counter
/// then starts past them.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration(Id)]
public sealed class M0016_Posix : Migration
{
    public const string Id = "20261206000016_Posix";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "UidNumber", table: "Users", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<int>(name: "GidNumber", table: "Groups", nullable: false, defaultValue: 0);
        migrationBuilder.CreateTable(
            name: "PosixCounters",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 32, nullable: false),
                Next = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_PosixCounters", c => c.Name));

        // UPDATE … FROM and window functions: SQLite 3.33+ and PostgreSQL alike. 61184–65535 are skipped by adding
        // their count (4352) to every number that would fall on or past them.
        const string numbered = """
            WITH "Numbered" AS (
                SELECT "Id", "Kind", 9999 + row_number() OVER (ORDER BY "CreatedAt", "Kind", "Id") AS "Raw"
                FROM (SELECT "Id", "CreatedAt", 0 AS "Kind" FROM "Users" UNION ALL SELECT "Id", "CreatedAt", 1 AS "Kind" FROM "Groups") AS "Everyone"),
            "Posix" AS (SELECT "Id", "Kind", CASE WHEN "Raw" < 61184 THEN "Raw" ELSE "Raw" + 4352 END AS "Number" FROM "Numbered")
            """;
        migrationBuilder.Sql(numbered + """
            UPDATE "Users" SET "UidNumber" = "Posix"."Number" FROM "Posix" WHERE "Posix"."Kind" = 0 AND "Posix"."Id" = "Users"."Id";
            """);
        migrationBuilder.Sql(numbered + """
            UPDATE "Groups" SET "GidNumber" = "Posix"."Number" FROM "Posix" WHERE "Posix"."Kind" = 1 AND "Posix"."Id" = "Groups"."Id";
            """);
        migrationBuilder.Sql("""
            INSERT INTO "PosixCounters" ("Name", "Next")
            SELECT 'posix', max("Number") + 1 FROM (
                SELECT max("UidNumber") AS "Number" FROM "Users" UNION ALL SELECT max("GidNumber") FROM "Groups" UNION ALL SELECT 9999) AS "Numbers";
            """);
        migrationBuilder.CreateIndex(name: "IX_Users_UidNumber", table: "Users", column: "UidNumber", unique: true);
        migrationBuilder.CreateIndex(name: "IX_Groups_GidNumber", table: "Groups", column: "GidNumber", unique: true);

        migrationBuilder.CreateTable(
            name: "SshKeys",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Type = table.Column<string>(maxLength: 64, nullable: false),
                PublicKey = table.Column<string>(maxLength: 4096, nullable: false),
                Comment = table.Column<string>(maxLength: 200, nullable: false),
                Fingerprint = table.Column<string>(maxLength: 64, nullable: false),
                Bits = table.Column<int>(nullable: false),
                AddedBy = table.Column<string>(maxLength: 256, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SshKeys", k => k.Id);
                table.ForeignKey("FK_SshKeys_Users_UserId", k => k.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_SshKeys_Fingerprint", table: "SshKeys", column: "Fingerprint", unique: true);
        migrationBuilder.CreateIndex(name: "IX_SshKeys_UserId", table: "SshKeys", column: "UserId");
    }
}
