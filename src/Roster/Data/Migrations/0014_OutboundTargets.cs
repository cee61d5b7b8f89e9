using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// Who vouched for an app's back-channel logout URI, and outbox messages given up on. Existing URIs start
/// untrusted: nobody can tell now whether an admin set them, so until an admin saves them again they are
/// delivered to public addresses only.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261206000014_OutboundTargets")]
public sealed class M0014_OutboundTargets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "BackChannelLogoutUriTrusted", table: "Apps", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<DateTime>(name: "GaveUpAt", table: "Outbox", nullable: true);
    }
}
