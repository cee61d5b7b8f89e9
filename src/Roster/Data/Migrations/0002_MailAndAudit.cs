using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>Single-use account tokens (reset links, invitations), the audit log and the email outbox.</summary>
[DbContext(typeof(RosterDb))]
[Migration("20261122000002_MailAndAudit")]
public sealed class M0002_MailAndAudit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AccountTokens",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: false),
                Purpose = table.Column<int>(nullable: false),
                TokenHash = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                ConsumedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AccountTokens", x => x.Id);
                table.ForeignKey("FK_AccountTokens_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_AccountTokens_TokenHash", table: "AccountTokens", column: "TokenHash", unique: true);
        migrationBuilder.CreateIndex(name: "IX_AccountTokens_UserId", table: "AccountTokens", column: "UserId");

        migrationBuilder.CreateTable(
            name: "AuditEvents",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Action = table.Column<string>(maxLength: 64, nullable: false),
                ActorId = table.Column<Guid>(nullable: true),
                ActorName = table.Column<string>(maxLength: 256, nullable: true),
                TargetId = table.Column<Guid>(nullable: true),
                TargetName = table.Column<string>(maxLength: 256, nullable: true),
                ClientAddress = table.Column<string>(maxLength: 64, nullable: true),
                Details = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditEvents", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_AuditEvents_At", table: "AuditEvents", column: "At");

        migrationBuilder.CreateTable(
            name: "Outbox",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                To = table.Column<string>(maxLength: 256, nullable: false),
                Subject = table.Column<string>(nullable: false),
                TextBody = table.Column<string>(nullable: false),
                HtmlBody = table.Column<string>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                SentAt = table.Column<DateTime>(nullable: true),
                LastError = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Outbox", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_Outbox_SentAt_NextAttemptAt", table: "Outbox", columns: ["SentAt", "NextAttemptAt"]);
    }
}
