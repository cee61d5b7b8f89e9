using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Refresh tokens become sealed (encrypted and authenticated, see Roster.Oidc's RefreshTokens) instead
/// of stored: a grant keeps only which of its refresh tokens is current and until when, so a refresh is
/// one update of one row. Refresh tokens issued before this migration stop working; their apps sign in again.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000010_SealedRefreshTokens")]
public sealed class M0010_SealedRefreshTokens : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "OidcRefreshTokens");
        migrationBuilder.AddColumn<int>(name: "RefreshGeneration", table: "OidcGrants", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<DateTime>(name: "RefreshExpiresAt", table: "OidcGrants", nullable: true);
    }
}
