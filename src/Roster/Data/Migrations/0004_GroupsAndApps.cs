using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Groups and their members; apps with their access rule, allowed groups, operators and icon.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000004_GroupsAndApps")]
public sealed class M0004_GroupsAndApps : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Groups",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 64, nullable: false),
                NormalizedName = table.Column<string>(maxLength: 64, nullable: false),
                Description = table.Column<string>(maxLength: 1000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Groups", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_Groups_NormalizedName", table: "Groups", column: "NormalizedName", unique: true);

        migrationBuilder.CreateTable(
            name: "GroupMembers",
            columns: table => new
            {
                GroupId = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                AddedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupMembers", x => new { x.GroupId, x.UserId });
                table.ForeignKey("FK_GroupMembers_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_GroupMembers_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_GroupMembers_UserId", table: "GroupMembers", column: "UserId");

        migrationBuilder.CreateTable(
            name: "Apps",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                LaunchUrl = table.Column<string>(maxLength: 2000, nullable: false),
                Description = table.Column<string>(maxLength: 1000, nullable: false),
                DirectoryMode = table.Column<int>(nullable: false),
                Access = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Apps", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_Apps_Name", table: "Apps", column: "Name");

        migrationBuilder.CreateTable(
            name: "AppGroups",
            columns: table => new
            {
                AppId = table.Column<Guid>(nullable: false),
                GroupId = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppGroups", x => new { x.AppId, x.GroupId });
                table.ForeignKey("FK_AppGroups_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AppGroups_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_AppGroups_GroupId", table: "AppGroups", column: "GroupId");

        migrationBuilder.CreateTable(
            name: "AppOperators",
            columns: table => new
            {
                AppId = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppOperators", x => new { x.AppId, x.UserId });
                table.ForeignKey("FK_AppOperators_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AppOperators_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_AppOperators_UserId", table: "AppOperators", column: "UserId");

        migrationBuilder.CreateTable(
            name: "AppIcons",
            columns: table => new
            {
                AppId = table.Column<Guid>(nullable: false),
                ContentType = table.Column<string>(maxLength: 32, nullable: false),
                Data = table.Column<byte[]>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppIcons", x => x.AppId);
                table.ForeignKey("FK_AppIcons_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });
    }
}
