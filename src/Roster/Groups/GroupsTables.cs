using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Groups;

// The groups' tables, applied by RosterDb from the assembly.

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> group)
    {
        group.ToTable("Groups");
        group.Property(g => g.Name).HasMaxLength(64);
        group.Property(g => g.NormalizedName).HasMaxLength(64);
        group.Property(g => g.Description).HasMaxLength(1000);
        group.HasIndex(g => g.NormalizedName).IsUnique();
        group.HasIndex(g => g.GidNumber).IsUnique();
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> member)
    {
        member.ToTable("GroupMembers");
        member.HasKey(m => new { m.GroupId, m.UserId });
        member.HasIndex(m => m.UserId);
        member.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
