using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Credential attempts counted in the database instead of each instance's memory, so limits hold across instances.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261201000012_CredentialCounters")]
public sealed class M0012_CredentialCounters : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "CredentialCounters",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 100, nullable: false),
                WindowStart = table.Column<long>(nullable: false),
                Count = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_CredentialCounters", x => x.Key));
        // The hourly purge deletes by window.
        migrationBuilder.CreateIndex(name: "IX_CredentialCounters_WindowStart", table: "CredentialCounters", column: "WindowStart");
    }
}
