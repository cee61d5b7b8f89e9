using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Roster.Groups;
using Roster.Oidc;

namespace Roster.Apps;

// This feature's tables, applied by RosterDb from the assembly.

internal sealed class AppConfiguration : IEntityTypeConfiguration<App>
{
    public void Configure(EntityTypeBuilder<App> app)
    {
        app.ToTable("Apps");
        app.Property(a => a.Name).HasMaxLength(100);
        app.Property(a => a.LaunchUrl).HasMaxLength(2000);
        app.Property(a => a.Description).HasMaxLength(1000);
        app.HasIndex(a => a.Name);
        app.Property(a => a.ClientId).HasMaxLength(64);
        app.HasIndex(a => a.ClientId).IsUnique();
        app.Property(a => a.ClientSecretHash).HasMaxLength(64);
        app.Property(a => a.LdapPasswordHash).HasMaxLength(64);
        app.Property(a => a.RedirectUris).HasMaxLength(4000);
        app.Property(a => a.BackChannelLogoutUri).HasMaxLength(2000);
        app.Property(a => a.PostLogoutRedirectUris).HasMaxLength(4000);
        app.Property(a => a.TokenSigningAlgorithm).HasMaxLength(16);
        app.Property(a => a.ApiScopes).HasMaxLength(Scopes.MaxApiScopeParameter);
        // A person's app password limited to this app goes with it: nothing else could use it.
        app.HasMany<Roster.Accounts.AppPassword>().WithOne().HasForeignKey(p => p.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppGroupConfiguration : IEntityTypeConfiguration<AppGroup>
{
    public void Configure(EntityTypeBuilder<AppGroup> allowed)
    {
        allowed.ToTable("AppGroups");
        allowed.HasKey(a => new { a.AppId, a.GroupId });
        allowed.HasIndex(a => a.GroupId);
        allowed.HasOne<App>().WithMany().HasForeignKey(a => a.AppId).OnDelete(DeleteBehavior.Cascade);
        // A group an access rule names cannot disappear underneath it: deleting it is refused instead.
        allowed.HasOne<Group>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppOperatorConfiguration : IEntityTypeConfiguration<AppOperator>
{
    public void Configure(EntityTypeBuilder<AppOperator> op)
    {
        op.ToTable("AppOperators");
        op.HasKey(o => new { o.AppId, o.UserId });
        op.HasIndex(o => o.UserId);
        op.HasOne<App>().WithMany().HasForeignKey(o => o.AppId).OnDelete(DeleteBehavior.Cascade);
        op.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppIconConfiguration : IEntityTypeConfiguration<AppIcon>
{
    public void Configure(EntityTypeBuilder<AppIcon> icon)
    {
        icon.ToTable("AppIcons");
        icon.HasKey(i => i.AppId);
        icon.Property(i => i.ContentType).HasMaxLength(32);
        icon.HasOne<App>().WithOne().HasForeignKey<AppIcon>(i => i.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppRoleConfiguration : IEntityTypeConfiguration<AppRole>
{
    public void Configure(EntityTypeBuilder<AppRole> role)
    {
        role.ToTable("AppRoles");
        role.Property(r => r.Name).HasMaxLength(AppRoles.MaxNameLength);
        role.Property(r => r.Description).HasMaxLength(AppRoles.MaxDescriptionLength);
        role.HasIndex(r => new { r.AppId, r.Name }).IsUnique();
        role.HasOne<App>().WithMany().HasForeignKey(r => r.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppRoleHolderConfiguration : IEntityTypeConfiguration<AppRoleHolder>
{
    public void Configure(EntityTypeBuilder<AppRoleHolder> holder)
    {
        holder.ToTable("AppRoleHolders");
        // Unique per role and group, and per role and person; a null never clashes, so one index each serves.
        holder.HasIndex(h => new { h.RoleId, h.GroupId }).IsUnique();
        holder.HasIndex(h => new { h.RoleId, h.UserId }).IsUnique();
        holder.HasIndex(h => h.GroupId);
        holder.HasIndex(h => h.UserId);
        holder.HasOne<AppRole>().WithMany().HasForeignKey(h => h.RoleId).OnDelete(DeleteBehavior.Cascade);
        // A deleted group or person takes their roles along: a role only ever grants, so losing it lets no one in.
        holder.HasOne<Group>().WithMany().HasForeignKey(h => h.GroupId).OnDelete(DeleteBehavior.Cascade);
        holder.HasOne<User>().WithMany().HasForeignKey(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
