using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Apps;

namespace Roster.Provisioning;

// This feature's tables, applied by RosterDb from the assembly.

internal sealed class ScimConnectionConfiguration : IEntityTypeConfiguration<ScimConnection>
{
    public void Configure(EntityTypeBuilder<ScimConnection> connection)
    {
        connection.ToTable("ScimConnections");
        connection.HasKey(c => c.AppId);
        connection.Property(c => c.BaseUrl).HasMaxLength(ScimSettings.MaxUrl);
        connection.Property(c => c.ProtectedToken).HasMaxLength(8000);
        connection.Property(c => c.LastError).HasMaxLength(ScimSettings.MaxError);
        connection.HasOne<App>().WithOne().HasForeignKey<ScimConnection>(c => c.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScimResourceConfiguration : IEntityTypeConfiguration<ScimResource>
{
    public void Configure(EntityTypeBuilder<ScimResource> resource)
    {
        resource.ToTable("ScimResources");
        resource.HasKey(r => new { r.AppId, r.Kind, r.LocalId });
        resource.Property(r => r.RemoteId).HasMaxLength(ScimSettings.MaxRemoteId);
        resource.HasOne<App>().WithMany().HasForeignKey(r => r.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
