using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Apps;

namespace Roster.OidcProvider;

/// <summary>
/// A device authorization request (RFC 8628): its device and user codes as SHA-256 hashes, how often the device
/// may poll, and what its person decided. Approving adds an <see cref="OidcGrant"/> whose code hash is
/// <see cref="DeviceCodeHash"/>, so from then on the grant carries it as it carries any sign-in.
/// </summary>
public sealed class OidcDeviceCode
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public string ClientId { get; set; } = "";
    public string DeviceCodeHash { get; set; } = "";

    /// <summary>The hash of the normalized user code (Roster.Oidc.UserCodes.Normalize); unique, so a code names one request.</summary>
    public string UserCodeHash { get; set; } = "";
    public string Scope { get; set; } = "";
    public int IntervalSeconds { get; set; }
    public DateTime? LastPolledAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    /// <summary>When the person approved or denied; null while pending.</summary>
    public DateTime? DecidedAt { get; set; }
    public bool Approved { get; set; }

    /// <summary>Who decided.</summary>
    public Guid? UserId { get; set; }
}

internal sealed class OidcDeviceCodeConfiguration : IEntityTypeConfiguration<OidcDeviceCode>
{
    public void Configure(EntityTypeBuilder<OidcDeviceCode> device)
    {
        device.ToTable("OidcDeviceCodes");
        device.Property(d => d.ClientId).HasMaxLength(64);
        device.Property(d => d.DeviceCodeHash).HasMaxLength(64);
        device.Property(d => d.UserCodeHash).HasMaxLength(64);
        device.Property(d => d.Scope).HasMaxLength(200);
        device.HasIndex(d => d.DeviceCodeHash).IsUnique();
        device.HasIndex(d => d.UserCodeHash).IsUnique();
        device.HasIndex(d => d.AppId);
        device.HasIndex(d => d.UserId);
        device.HasOne<App>().WithMany().HasForeignKey(d => d.AppId).OnDelete(DeleteBehavior.Cascade);
        device.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
