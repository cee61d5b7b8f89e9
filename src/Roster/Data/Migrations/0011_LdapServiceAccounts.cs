using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Each app may have an LDAP service account; its password is kept as SHA-256, like the client secret.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000011_LdapServiceAccounts")]
public sealed class M0011_LdapServiceAccounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "LdapPasswordHash", table: "Apps", maxLength: 64, nullable: true);
}
