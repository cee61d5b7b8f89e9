using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Audit;

// This feature's tables, applied by RosterDb from the assembly.

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> audit)
    {
        audit.ToTable("AuditEvents");
        audit.Property(a => a.Action).HasMaxLength(64);
        audit.Property(a => a.ActorName).HasMaxLength(256);
        audit.Property(a => a.TargetName).HasMaxLength(256);
        audit.Property(a => a.ClientAddress).HasMaxLength(64);
        audit.HasIndex(a => a.At);
    }
}
