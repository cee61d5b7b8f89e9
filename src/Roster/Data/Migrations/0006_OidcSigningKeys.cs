using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>The OpenID Connect signing key ring: key id, algorithm, creation time, protected private key.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000006_OidcSigningKeys")]
public sealed class M0006_OidcSigningKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OidcSigningKeys",
            columns: table => new
            {
                KeyId = table.Column<string>(maxLength: 64, nullable: false),
                Algorithm = table.Column<string>(maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ProtectedPrivateKey = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OidcSigningKeys", x => x.KeyId));
    }
}
