using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Per-app roles (PRODUCT.md section 12): the roles an app defines, and the groups and people that hold each.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000026_AppRoles")]
public sealed class M0026_AppRoles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AppRoles",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                AppId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 64, nullable: false),
                Description = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppRoles", x => x.Id);
                table.ForeignKey("FK_AppRoles_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_AppRoles_AppId_Name", table: "AppRoles", columns: ["AppId", "Name"], unique: true);

        migrationBuilder.CreateTable(
            name: "AppRoleHolders",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                RoleId = table.Column<Guid>(nullable: false),
                GroupId = table.Column<Guid>(nullable: true),
                UserId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AppRoleHolders", x => x.Id);
                table.ForeignKey("FK_AppRoleHolders_AppRoles_RoleId", x => x.RoleId, "AppRoles", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AppRoleHolders_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AppRoleHolders_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_AppRoleHolders_RoleId_GroupId", table: "AppRoleHolders", columns: ["RoleId", "GroupId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_AppRoleHolders_RoleId_UserId", table: "AppRoleHolders", columns: ["RoleId", "UserId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_AppRoleHolders_GroupId", table: "AppRoleHolders", column: "GroupId");
        migrationBuilder.CreateIndex(name: "IX_AppRoleHolders_UserId", table: "AppRoleHolders", column: "UserId");
    }
}
