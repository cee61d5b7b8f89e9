using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Whether an account's address was set by someone else and not yet confirmed by its person. Before it is
/// applied, <see cref="IdentifierCheck"/> brings every normalised username and email in step with the names,
/// and refuses to go on while two accounts share one.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration(Id)]
public sealed class M0013_IdentifierIntegrity : Migration
{
    public const string Id = "20261206000013_IdentifierIntegrity";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "EmailSetByOther", table: "Users", nullable: false, defaultValue: false);
    }
}
