using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Apps as OpenID Connect clients: client id, hashed secret, redirect URIs, back-channel logout URI, signing algorithm.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000007_AppSignOn")]
public sealed class M0007_AppSignOn : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ClientId", table: "Apps", maxLength: 64, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<string>(name: "ClientSecretHash", table: "Apps", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<string>(name: "RedirectUris", table: "Apps", maxLength: 4000, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<string>(name: "BackChannelLogoutUri", table: "Apps", maxLength: 2000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "TokenSigningAlgorithm", table: "Apps", maxLength: 16, nullable: false, defaultValue: "RS256");
        // Apps registered before this migration get a client id of their own: their id without dashes.
        migrationBuilder.Sql("""UPDATE "Apps" SET "ClientId" = lower(replace(CAST("Id" AS TEXT), '-', ''))""");
        migrationBuilder.CreateIndex(name: "IX_Apps_ClientId", table: "Apps", column: "ClientId", unique: true);
    }
}
