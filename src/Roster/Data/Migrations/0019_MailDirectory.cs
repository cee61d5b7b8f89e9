using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Roster.Data.Migrations;

/// <summary>
/// The mail directory: mail domains, mailboxes (of a person or a group), mailing lists and their members, and one
/// table of every address any of them has, whose unique index keeps addresses unique ignoring case across all three.
/// A person or group that owns a mailbox, or a group a list names, cannot be deleted from under it.
/// </summary>
[DbContext(typeof(RosterDb))]
[Migration("20261207000019_MailDirectory")]
public sealed class M0019_MailDirectory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "MailDomains",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 253, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MailDomains", x => x.Id));
        migrationBuilder.CreateIndex(name: "IX_MailDomains_Name", table: "MailDomains", column: "Name", unique: true);

        migrationBuilder.CreateTable(
            name: "Mailboxes",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Address = table.Column<string>(maxLength: 254, nullable: false),
                UserId = table.Column<Guid>(nullable: true),
                GroupId = table.Column<Guid>(nullable: true),
                Enabled = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Mailboxes", x => x.Id);
                table.ForeignKey("FK_Mailboxes_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Mailboxes_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_Mailboxes_UserId", table: "Mailboxes", column: "UserId");
        migrationBuilder.CreateIndex(name: "IX_Mailboxes_GroupId", table: "Mailboxes", column: "GroupId");

        migrationBuilder.CreateTable(
            name: "MailingLists",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Address = table.Column<string>(maxLength: 254, nullable: false),
                Description = table.Column<string>(maxLength: 1000, nullable: false),
                MembersOnly = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MailingLists", x => x.Id));

        migrationBuilder.CreateTable(
            name: "MailAddresses",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Address = table.Column<string>(maxLength: 254, nullable: false),
                NormalizedAddress = table.Column<string>(maxLength: 254, nullable: false),
                DomainId = table.Column<Guid>(nullable: false),
                Kind = table.Column<int>(nullable: false),
                MailboxId = table.Column<Guid>(nullable: true),
                ListId = table.Column<Guid>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MailAddresses", x => x.Id);
                table.ForeignKey("FK_MailAddresses_MailDomains_DomainId", x => x.DomainId, "MailDomains", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_MailAddresses_Mailboxes_MailboxId", x => x.MailboxId, "Mailboxes", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_MailAddresses_MailingLists_ListId", x => x.ListId, "MailingLists", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_MailAddresses_NormalizedAddress", table: "MailAddresses", column: "NormalizedAddress", unique: true);
        migrationBuilder.CreateIndex(name: "IX_MailAddresses_DomainId", table: "MailAddresses", column: "DomainId");
        migrationBuilder.CreateIndex(name: "IX_MailAddresses_MailboxId", table: "MailAddresses", column: "MailboxId");
        migrationBuilder.CreateIndex(name: "IX_MailAddresses_ListId", table: "MailAddresses", column: "ListId");

        migrationBuilder.CreateTable(
            name: "MailingListMembers",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                ListId = table.Column<Guid>(nullable: false),
                UserId = table.Column<Guid>(nullable: true),
                GroupId = table.Column<Guid>(nullable: true),
                Address = table.Column<string>(maxLength: 254, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MailingListMembers", x => x.Id);
                table.ForeignKey("FK_MailingListMembers_MailingLists_ListId", x => x.ListId, "MailingLists", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_MailingListMembers_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_MailingListMembers_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_MailingListMembers_ListId_UserId", table: "MailingListMembers", columns: ["ListId", "UserId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_MailingListMembers_ListId_GroupId", table: "MailingListMembers", columns: ["ListId", "GroupId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_MailingListMembers_ListId_Address", table: "MailingListMembers", columns: ["ListId", "Address"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_MailingListMembers_UserId", table: "MailingListMembers", column: "UserId");
        migrationBuilder.CreateIndex(name: "IX_MailingListMembers_GroupId", table: "MailingListMembers", column: "GroupId");
    }
}
