using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Device authorization requests (RFC 8628): a device polls with its device code while its person enters the
/// user code on another screen. Both codes are kept as SHA-256 hashes; an approved request becomes a grant.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000020_DeviceCodes")]
public sealed class M0020_DeviceCodes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OidcDeviceCodes",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                AppId = table.Column<Guid>(nullable: false),
                ClientId = table.Column<string>(maxLength: 64, nullable: false),
                DeviceCodeHash = table.Column<string>(maxLength: 64, nullable: false),
                UserCodeHash = table.Column<string>(maxLength: 64, nullable: false),
                Scope = table.Column<string>(maxLength: 200, nullable: false),
                IntervalSeconds = table.Column<int>(nullable: false),
                LastPolledAt = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                DecidedAt = table.Column<DateTime>(nullable: true),
                Approved = table.Column<bool>(nullable: false),
                UserId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OidcDeviceCodes", x => x.Id);
                table.ForeignKey("FK_OidcDeviceCodes_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_OidcDeviceCodes_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_OidcDeviceCodes_DeviceCodeHash", table: "OidcDeviceCodes", column: "DeviceCodeHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_OidcDeviceCodes_UserCodeHash", table: "OidcDeviceCodes", column: "UserCodeHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_OidcDeviceCodes_AppId", table: "OidcDeviceCodes", column: "AppId");
        migrationBuilder.CreateIndex(name: "IX_OidcDeviceCodes_UserId", table: "OidcDeviceCodes", column: "UserId");
    }
}
