using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// App passwords: named passwords people make for programs that bind over LDAP, kept as SHA-256, optionally
/// limited to one app (and deleted with it). The setting that makes people held to two-factor bind with app
/// passwords only is on for a new install; an install that already has people keeps binding as before until an
/// administrator turns it on, so an upgrade locks no one's mail client out.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000017_AppPasswords")]
public sealed class M0017_AppPasswords : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AppPasswords",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 64, nullable: false),
                NormalizedName = table.Column<string>(maxLength: 64, nullable: false),
                SecretHash = table.Column<string>(maxLength: 64, nullable: false),
                AppId = table.Column<Guid>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastUsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppPasswords", x => x.Id);
                table.ForeignKey("FK_AppPasswords_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AppPasswords_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_AppPasswords_SecretHash", table: "AppPasswords", column: "SecretHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_AppPasswords_UserId_NormalizedName", table: "AppPasswords", columns: ["UserId", "NormalizedName"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_AppPasswords_AppId", table: "AppPasswords", column: "AppId");
        migrationBuilder.Sql("""
            INSERT INTO "Settings" ("Key", "Value")
            SELECT 'Ldap.AppPasswordsOnlyForTwoFactor', 'false' WHERE EXISTS (SELECT 1 FROM "Users")
            """);
    }
}
