using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// SQLite's record of what each save changed in the LDAP directory, which the server reads to apply changes the
/// command line made. It replaces a bare version number, which told the server only to read everything again.
/// PostgreSQL carries the same text in its NOTIFY payload and needs no table. Raw SQL, read and written outside EF.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000018_DirectoryChangeLog")]
public sealed class M0018_DirectoryChangeLog : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DELETE FROM "Settings" WHERE "Key" = 'Directory.Version'""");
        if (migrationBuilder.IsSqlite())
            migrationBuilder.Sql("""CREATE TABLE "DirectoryChangeLog" ("Seq" INTEGER PRIMARY KEY AUTOINCREMENT, "Change" TEXT NOT NULL)""");
    }
}
