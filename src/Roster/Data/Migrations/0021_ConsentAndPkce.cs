using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Per-app "require PKCE". Existing apps get it off, so an upgrade changes nothing for apps already signing
/// people in; apps registered from now on require it (App.RequirePkce). Consent is not built yet; the name is the one
/// this migration was planned under.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration(Id)]
public sealed class M0021_ConsentAndPkce : Migration
{
    public const string Id = "20261207000021_ConsentAndPkce";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "RequirePkce", table: "Apps", nullable: false, defaultValue: false);
    }
}
