using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// SCIM 2.0 provisioning to apps: each app's service provider (URL, encrypted token, deprovisioning choice, status) and
/// the ids the provider gave the people and groups Roster pushed there. Both go with their app.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000024_Scim")]
public sealed class M0024_Scim : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ScimConnections",
            columns: table => new
            {
                AppId = table.Column<Guid>(nullable: false),
                Enabled = table.Column<bool>(nullable: false),
                BaseUrl = table.Column<string>(maxLength: 2000, nullable: false),
                BaseUrlTrusted = table.Column<bool>(nullable: false),
                ProtectedToken = table.Column<string>(maxLength: 8000, nullable: true),
                Deprovision = table.Column<int>(nullable: false),
                LastSuccessAt = table.Column<DateTime>(nullable: true),
                LastErrorAt = table.Column<DateTime>(nullable: true),
                LastError = table.Column<string>(maxLength: 1000, nullable: true),
                LastSyncAt = table.Column<DateTime>(nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ScimConnections", x => x.AppId);
                table.ForeignKey("FK_ScimConnections_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ScimResources",
            columns: table => new
            {
                AppId = table.Column<Guid>(nullable: false),
                Kind = table.Column<int>(nullable: false),
                LocalId = table.Column<Guid>(nullable: false),
                RemoteId = table.Column<string>(maxLength: 200, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ScimResources", x => new { x.AppId, x.Kind, x.LocalId });
                table.ForeignKey("FK_ScimResources_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });
    }
}
