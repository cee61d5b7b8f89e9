using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Outbox;

// This feature's table, applied by RosterDb from the assembly.

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("Outbox");
        message.Property(m => m.To).HasMaxLength(256);
        message.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
    }
}
