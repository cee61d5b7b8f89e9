using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Account security: each person's protected authenticator key and hashed recovery codes, dashboard
/// sessions as rows, so they can be listed and ended one by one, passkeys, and settings (the two-factor policy).
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000009_AccountSecurity")]
public sealed class M0009_AccountSecurity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "TwoFactorKeys",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                ProtectedKey = table.Column<string>(nullable: false),
                LastUsedStep = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ConfirmedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TwoFactorKeys", x => x.UserId);
                table.ForeignKey("FK_TwoFactorKeys_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateTable(
            name: "RecoveryCodes",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                CodeHash = table.Column<string>(maxLength: 64, nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RecoveryCodes", x => new { x.UserId, x.CodeHash });
                table.ForeignKey("FK_RecoveryCodes_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateTable(
            name: "UserSessions",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 64, nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastSeenAt = table.Column<DateTime>(nullable: false),
                Address = table.Column<string>(maxLength: 64, nullable: false),
                Device = table.Column<string>(maxLength: 256, nullable: false),
                EndedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserSessions", x => x.Id);
                table.ForeignKey("FK_UserSessions_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_UserSessions_UserId", table: "UserSessions", column: "UserId");
        // Identity's later schema versions also bound the key columns of logins and tokens to 128 characters
        // and phone numbers to 256. SQLite's TEXT has no length, and it cannot alter a column in place, so
        // only PostgreSQL changes.
        if (!migrationBuilder.IsSqlite())
        {
            foreach (var (table, column) in new[] { ("UserLogins", "LoginProvider"), ("UserLogins", "ProviderKey"), ("UserTokens", "LoginProvider"), ("UserTokens", "Name") })
                migrationBuilder.AlterColumn<string>(name: column, table: table, maxLength: 128, nullable: false, oldClrType: typeof(string));
            migrationBuilder.AlterColumn<string>(name: "PhoneNumber", table: "Users", maxLength: 256, nullable: true, oldClrType: typeof(string), oldNullable: true);
        }
        // Passkeys, as ASP.NET Core Identity's schema version 3 has them; the credential's data is JSON.
        migrationBuilder.CreateTable(
            name: "UserPasskeys",
            columns: table => new
            {
                CredentialId = table.Column<byte[]>(maxLength: 1024, nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Data = table.Column<string>(type: migrationBuilder.IsSqlite() ? null : "jsonb", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserPasskeys", x => x.CredentialId);
                table.ForeignKey("FK_UserPasskeys_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_UserPasskeys_UserId", table: "UserPasskeys", column: "UserId");
        migrationBuilder.CreateTable(
            name: "Settings",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 100, nullable: false),
                Value = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Settings", x => x.Key));
    }
}
