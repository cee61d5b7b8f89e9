using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// OpenID Connect grants (with their code), refresh tokens, revoked access tokens; post-logout redirect
/// URIs for apps; and outbox channels, so back-channel logouts travel the mail outbox's durable path.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000008_OidcGrants")]
public sealed class M0008_OidcGrants : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "PostLogoutRedirectUris", table: "Apps", maxLength: 4000, nullable: false, defaultValue: "");
        migrationBuilder.AddColumn<int>(name: "Channel", table: "Outbox", nullable: false, defaultValue: 0);

        migrationBuilder.CreateTable(
            name: "OidcGrants",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                AppId = table.Column<Guid>(nullable: false),
                ClientId = table.Column<string>(maxLength: 64, nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                SessionId = table.Column<string>(maxLength: 64, nullable: false),
                Scope = table.Column<string>(maxLength: 200, nullable: false),
                Nonce = table.Column<string>(maxLength: 512, nullable: true),
                AuthTime = table.Column<DateTime>(nullable: false),
                CodeHash = table.Column<string>(maxLength: 64, nullable: false),
                RedirectUri = table.Column<string>(maxLength: 2000, nullable: false),
                CodeChallenge = table.Column<string>(maxLength: 64, nullable: true),
                CodeExpiresAt = table.Column<DateTime>(nullable: false),
                CodeRedeemedAt = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                RevokedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OidcGrants", x => x.Id);
                table.ForeignKey("FK_OidcGrants_Apps_AppId", x => x.AppId, "Apps", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_OidcGrants_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_OidcGrants_CodeHash", table: "OidcGrants", column: "CodeHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_OidcGrants_UserId_SessionId", table: "OidcGrants", columns: ["UserId", "SessionId"]);
        migrationBuilder.CreateIndex(name: "IX_OidcGrants_AppId", table: "OidcGrants", column: "AppId");

        migrationBuilder.CreateTable(
            name: "OidcRefreshTokens",
            columns: table => new
            {
                TokenHash = table.Column<string>(maxLength: 64, nullable: false),
                GrantId = table.Column<Guid>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OidcRefreshTokens", x => x.TokenHash);
                table.ForeignKey("FK_OidcRefreshTokens_OidcGrants_GrantId", x => x.GrantId, "OidcGrants", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_OidcRefreshTokens_GrantId", table: "OidcRefreshTokens", column: "GrantId");

        migrationBuilder.CreateTable(
            name: "OidcRevokedTokens",
            columns: table => new
            {
                TokenId = table.Column<string>(maxLength: 64, nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OidcRevokedTokens", x => x.TokenId));
    }
}
