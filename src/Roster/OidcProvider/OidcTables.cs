using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Apps;

namespace Roster.OidcProvider;

// This feature's tables, applied by RosterDb from the assembly.

internal sealed class OidcSigningKeyConfiguration : IEntityTypeConfiguration<OidcSigningKey>
{
    public void Configure(EntityTypeBuilder<OidcSigningKey> key)
    {
        key.ToTable("OidcSigningKeys");
        key.HasKey(k => k.KeyId);
        key.Property(k => k.KeyId).HasMaxLength(64);
        key.Property(k => k.Algorithm).HasMaxLength(16);
    }
}

internal sealed class OidcGrantConfiguration : IEntityTypeConfiguration<OidcGrant>
{
    public void Configure(EntityTypeBuilder<OidcGrant> grant)
    {
        grant.ToTable("OidcGrants");
        grant.Property(g => g.ClientId).HasMaxLength(64);
        grant.Property(g => g.SessionId).HasMaxLength(64);
        grant.Property(g => g.Scope).HasMaxLength(5300);
        grant.Property(g => g.Resource).HasMaxLength(2000);
        grant.Property(g => g.Nonce).HasMaxLength(512);
        grant.Property(g => g.CodeHash).HasMaxLength(64);
        grant.Property(g => g.RedirectUri).HasMaxLength(2000);
        grant.Property(g => g.CodeChallenge).HasMaxLength(64);
        // Unique, so a code can only ever name one grant.
        grant.HasIndex(g => g.CodeHash).IsUnique();
        grant.HasIndex(g => new { g.UserId, g.SessionId });
        grant.HasIndex(g => g.AppId);
        grant.HasOne<App>().WithMany().HasForeignKey(g => g.AppId).OnDelete(DeleteBehavior.Cascade);
        grant.HasOne<User>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OidcConsentConfiguration : IEntityTypeConfiguration<OidcConsent>
{
    public void Configure(EntityTypeBuilder<OidcConsent> consent)
    {
        consent.ToTable("OidcConsents");
        consent.HasKey(c => new { c.UserId, c.AppId });
        consent.Property(c => c.Scope).HasMaxLength(5300);
        consent.HasIndex(c => c.AppId);
        consent.HasOne<App>().WithMany().HasForeignKey(c => c.AppId).OnDelete(DeleteBehavior.Cascade);
        consent.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OidcRevokedTokenConfiguration : IEntityTypeConfiguration<OidcRevokedToken>
{
    public void Configure(EntityTypeBuilder<OidcRevokedToken> token)
    {
        token.ToTable("OidcRevokedTokens");
        token.HasKey(t => t.TokenId);
        token.Property(t => t.TokenId).HasMaxLength(64);
    }
}

internal sealed class ApiResourceConfiguration : IEntityTypeConfiguration<ApiResource>
{
    public void Configure(EntityTypeBuilder<ApiResource> api)
    {
        api.ToTable("ApiResources");
        api.Property(a => a.Name).HasMaxLength(100);
        api.Property(a => a.Identifier).HasMaxLength(2000);
        api.Property(a => a.Scopes).HasMaxLength(5050);
        api.Property(a => a.ClientId).HasMaxLength(64);
        api.Property(a => a.SecretHash).HasMaxLength(64);
        api.HasIndex(a => a.Identifier).IsUnique();
        api.HasIndex(a => a.ClientId).IsUnique();
    }
}

internal sealed class ApiResourceAccessConfiguration : IEntityTypeConfiguration<ApiResourceAccess>
{
    public void Configure(EntityTypeBuilder<ApiResourceAccess> access)
    {
        access.ToTable("ApiResourceAccess");
        access.HasKey(a => new { a.ApiId, a.AppId });
        access.Property(a => a.Scopes).HasMaxLength(5050);
        access.HasIndex(a => a.AppId);
        access.HasOne<ApiResource>().WithMany().HasForeignKey(a => a.ApiId).OnDelete(DeleteBehavior.Cascade);
        access.HasOne<App>().WithMany().HasForeignKey(a => a.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
