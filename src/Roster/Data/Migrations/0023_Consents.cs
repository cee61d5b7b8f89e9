using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Consent (OpenID Connect Core section 3.1.2.4): a per-app "ask each person" setting, off for every existing app so an
/// upgrade asks no one anything, and what each person allowed each app. And a per-app "may sign in devices" (RFC 8628),
/// on for every existing app so none loses the device grant it had; apps registered from now on start without it.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration(Id)]
public sealed class M0023_Consents : Migration
{
    public const string Id = "20261207000023_Consents";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "RequireConsent", table: "Apps", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<bool>(name: "AllowDeviceGrant", table: "Apps", nullable: false, defaultValue: true);
        migrationBuilder.CreateTable(
            name: "OidcConsents",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                AppId = table.Column<Guid>(nullable: false),
                Scope = table.Column<string>(maxLength: 5300, nullable: false),
                GrantedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OidcConsents", x => new { x.UserId, x.AppId });
                table.ForeignKey("FK_OidcConsents_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_OidcConsents_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_OidcConsents_AppId", table: "OidcConsents", column: "AppId");
    }
}
