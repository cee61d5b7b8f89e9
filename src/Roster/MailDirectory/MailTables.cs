using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Groups;

namespace Roster.MailDirectory;

// The mail directory's tables, applied by RosterDb from the assembly. A person or group that owns a mailbox, or a
// group a list names, cannot be deleted from under it (Restrict): what happens to the mail is decided first.

internal sealed class MailDomainConfiguration : IEntityTypeConfiguration<MailDomain>
{
    public void Configure(EntityTypeBuilder<MailDomain> domain)
    {
        domain.ToTable("MailDomains");
        domain.Property(d => d.Name).HasMaxLength(MailAddresses.MaxDomainLength);
        domain.HasIndex(d => d.Name).IsUnique();
    }
}

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> mailbox)
    {
        mailbox.ToTable("Mailboxes");
        mailbox.Property(m => m.Address).HasMaxLength(MailAddresses.MaxAddressLength);
        mailbox.HasIndex(m => m.UserId);
        mailbox.HasIndex(m => m.GroupId);
        mailbox.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        mailbox.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MailAddressConfiguration : IEntityTypeConfiguration<MailAddress>
{
    public void Configure(EntityTypeBuilder<MailAddress> address)
    {
        address.ToTable("MailAddresses");
        address.Property(a => a.Address).HasMaxLength(MailAddresses.MaxAddressLength);
        address.Property(a => a.NormalizedAddress).HasMaxLength(MailAddresses.MaxAddressLength);
        address.HasIndex(a => a.NormalizedAddress).IsUnique();
        address.HasIndex(a => a.MailboxId);
        address.HasIndex(a => a.ListId);
        address.HasIndex(a => a.DomainId);
        address.HasOne<MailDomain>().WithMany().HasForeignKey(a => a.DomainId).OnDelete(DeleteBehavior.Restrict);
        address.HasOne<Mailbox>().WithMany().HasForeignKey(a => a.MailboxId).OnDelete(DeleteBehavior.Cascade);
        address.HasOne<MailingList>().WithMany().HasForeignKey(a => a.ListId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MailingListConfiguration : IEntityTypeConfiguration<MailingList>
{
    public void Configure(EntityTypeBuilder<MailingList> list)
    {
        list.ToTable("MailingLists");
        list.Property(l => l.Address).HasMaxLength(MailAddresses.MaxAddressLength);
        list.Property(l => l.Description).HasMaxLength(1000);
    }
}

internal sealed class MailingListMemberConfiguration : IEntityTypeConfiguration<MailingListMember>
{
    public void Configure(EntityTypeBuilder<MailingListMember> member)
    {
        member.ToTable("MailingListMembers");
        member.Property(m => m.Address).HasMaxLength(MailAddresses.MaxAddressLength);
        member.HasIndex(m => new { m.ListId, m.UserId }).IsUnique();
        member.HasIndex(m => new { m.ListId, m.GroupId }).IsUnique();
        member.HasIndex(m => new { m.ListId, m.Address }).IsUnique();
        member.HasIndex(m => m.UserId);
        member.HasIndex(m => m.GroupId);
        member.HasOne<MailingList>().WithMany().HasForeignKey(m => m.ListId).OnDelete(DeleteBehavior.Cascade);
        // Someone deleted leaves the lists they were on, as they leave their groups.
        member.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
