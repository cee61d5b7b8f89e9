using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// The API scopes each app may give itself with client credentials. Existing apps start with none: a client
/// that used to copy any requested scope into its token now gets none until an administrator lists them.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261206000015_AppApiScopes")]
public sealed class M0015_AppApiScopes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // 50 scopes of at most 100 characters, space-separated (Roster.Oidc.Scopes.MaxApiScopeParameter).
        migrationBuilder.AddColumn<string>(name: "ApiScopes", table: "Apps", maxLength: 5050, nullable: false, defaultValue: "");
    }
}
