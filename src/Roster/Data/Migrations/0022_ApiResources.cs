using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// APIs as resources (RFC 8707): the APIs apps may ask tokens for, which of their scopes each app may request, and
/// on each grant the API it names and whether it is an offline_access grant. Apps get their refresh-token settings:
/// existing apps keep receiving a session-bound refresh token with every code, as before, and may not ask for
/// offline_access until an administrator allows it.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000022_ApiResources")]
public sealed class M0022_ApiResources : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ApiResources",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Identifier = table.Column<string>(maxLength: 2000, nullable: false),
                Scopes = table.Column<string>(maxLength: 5050, nullable: false),
                AccessTokenLifetimeSeconds = table.Column<int>(nullable: false),
                ClientId = table.Column<string>(maxLength: 64, nullable: false),
                SecretHash = table.Column<string>(maxLength: 64, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ApiResources", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_ApiResources_Identifier", table: "ApiResources", column: "Identifier", unique: true);
        migrationBuilder.CreateIndex(name: "IX_ApiResources_ClientId", table: "ApiResources", column: "ClientId", unique: true);

        migrationBuilder.CreateTable(
            name: "ApiResourceAccess",
            columns: table => new
            {
                ApiId = table.Column<Guid>(nullable: false),
                AppId = table.Column<Guid>(nullable: false),
                Scopes = table.Column<string>(maxLength: 5050, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiResourceAccess", x => new { x.ApiId, x.AppId });
                table.ForeignKey("FK_ApiResourceAccess_ApiResources_ApiId", x => x.ApiId, "ApiResources", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_ApiResourceAccess_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_ApiResourceAccess_AppId", table: "ApiResourceAccess", column: "AppId");

        migrationBuilder.AddColumn<bool>(name: "OfflineAccess", table: "Apps", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<bool>(name: "AlwaysIssueRefreshTokens", table: "Apps", nullable: false, defaultValue: true);

        migrationBuilder.AddColumn<string>(name: "Resource", table: "OidcGrants", maxLength: 2000, nullable: true);
        migrationBuilder.AddColumn<bool>(name: "Offline", table: "OidcGrants", nullable: false, defaultValue: false);
        // A grant's scope now holds the API's scopes too. SQLite does not enforce a text length, so only
        // PostgreSQL's varchar(200) needs widening.
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            migrationBuilder.AlterColumn<string>(name: "Scope", table: "OidcGrants", maxLength: 5300, nullable: false, oldMaxLength: 200);
    }
}
