using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>User management: email visibility, pending invitations, avatars, personal API tokens, list indexes.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000003_Users")]
public sealed class M0003_Users : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "EmailVisible", table: "Users", nullable: false, defaultValue: true);
        migrationBuilder.AddColumn<bool>(name: "InvitationPending", table: "Users", nullable: false, defaultValue: false);
        migrationBuilder.CreateIndex(name: "IX_Users_Name", table: "Users", column: "Name");
        migrationBuilder.CreateIndex(name: "IX_Users_Role_UpdatedAt", table: "Users", columns: ["Role", "UpdatedAt"]);

        migrationBuilder.CreateTable(
            name: "Avatars",
            columns: table => new
            {
                UserId = table.Column<Guid>(nullable: false),
                ContentType = table.Column<string>(maxLength: 32, nullable: false),
                Data = table.Column<byte[]>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Avatars", x => x.UserId);
                table.ForeignKey("FK_Avatars_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ApiTokens",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                TokenHash = table.Column<string>(maxLength: 64, nullable: false),
                Prefix = table.Column<string>(maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastUsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ApiTokens", x => x.Id);
                table.ForeignKey("FK_ApiTokens_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_ApiTokens_TokenHash", table: "ApiTokens", column: "TokenHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_ApiTokens_UserId", table: "ApiTokens", column: "UserId");
    }
}
