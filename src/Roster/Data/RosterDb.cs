using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Audit;
using Roster.Outbox;
using Roster.Oidc;
using Roster.Users;

namespace Roster.Data;

public sealed class RosterDb(DbContextOptions<RosterDb> options) : IdentityUserContext<User, Guid>(options)
{
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    public DbSet<FirstOwnerCredentials> FirstOwnerCredentials => Set<FirstOwnerCredentials>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Avatar> Avatars => Set<Avatar>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<AppGroup> AppGroups => Set<AppGroup>();
    public DbSet<AppOperator> AppOperators => Set<AppOperator>();
    public DbSet<AppIcon> AppIcons => Set<AppIcon>();
    public DbSet<OidcSigningKey> OidcSigningKeys => Set<OidcSigningKey>();
    public DbSet<TwoFactorKey> TwoFactorKeys => Set<TwoFactorKey>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<CredentialCounter> CredentialCounters => Set<CredentialCounter>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<OidcGrant> OidcGrants => Set<OidcGrant>();
    public DbSet<OidcRevokedToken> OidcRevokedTokens => Set<OidcRevokedToken>();

    private static readonly UpperInvariantLookupNormalizer Normalizer = new();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        NormalizeIdentifiers();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        NormalizeIdentifiers();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The unique indexes hold the normalised username and email, so those must follow the names on every
    /// write, whichever code made it: a stale normalised value is a duplicate the indexes cannot see, and a
    /// name its person cannot sign in with. Computed the way Identity's <see cref="UserManager{TUser}"/> does.
    /// </summary>
    private void NormalizeIdentifiers()
    {
        foreach (var entry in ChangeTracker.Entries<User>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
                continue;
            var user = entry.Entity;
            user.NormalizedUserName = Normalizer.NormalizeName(user.UserName);
            user.NormalizedEmail = Normalizer.NormalizeEmail(user.Email);
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC. SQLite hands them back unspecified, and Npgsql refuses unspecified
        // values for timestamptz, so the kind is restored on the way in.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<User>(user =>
        {
            user.ToTable("Users");
            user.Property(u => u.Name).HasMaxLength(256);
            // Each list order ends with Id, in the same direction, so one index serves a whole page query.
            user.HasIndex(u => new { u.UpdatedAt, u.Id });
            user.HasIndex(u => new { u.Name, u.Id });
            user.HasIndex(u => new { u.Role, u.UpdatedAt, u.Id });
            // PostgreSQL 15 has only stored generated columns; SQLite can only add virtual ones to an existing table.
            user.Property(u => u.SearchText).HasComputedColumnSql(UserSearch.Expression, stored: !Database.IsSqlite());
            // Identity leaves the email index non-unique; Roster needs one account per address, also under concurrent writes.
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
        });
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("UserClaims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("UserLogins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("UserTokens");
        // Passkeys exist in Identity's schema version 3, which DatabaseSetup selects; a context built without
        // the app's services has no passkeys in its model, and must not get a half-mapped entity here.
        if (builder.Model.FindEntityType(typeof(IdentityUserPasskey<Guid>)) is not null)
            builder.Entity<IdentityUserPasskey<Guid>>().ToTable("UserPasskeys");

        builder.Entity<AccountToken>(token =>
        {
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.UserId);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<FirstOwnerCredentials>(credentials =>
        {
            credentials.HasKey(c => c.UserId);
            credentials.HasOne<User>().WithOne().HasForeignKey<FirstOwnerCredentials>(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEvent>(audit =>
        {
            audit.Property(a => a.Action).HasMaxLength(64);
            audit.Property(a => a.ActorName).HasMaxLength(256);
            audit.Property(a => a.TargetName).HasMaxLength(256);
            audit.Property(a => a.ClientAddress).HasMaxLength(64);
            audit.HasIndex(a => a.At);
        });

        builder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("Outbox");
            message.Property(m => m.To).HasMaxLength(256);
            message.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
        });

        builder.Entity<DataProtectionKey>(key => key.Property(k => k.FriendlyName).HasMaxLength(256));

        builder.Entity<Avatar>(avatar =>
        {
            avatar.HasKey(a => a.UserId);
            avatar.Property(a => a.ContentType).HasMaxLength(32);
            avatar.HasOne<User>().WithOne().HasForeignKey<Avatar>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiToken>(token =>
        {
            token.Property(t => t.Name).HasMaxLength(100);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.Prefix).HasMaxLength(16);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.UserId);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        OnGroupsAndAppsCreating(builder);

        builder.Entity<Setting>(setting =>
        {
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(100);
        });
        builder.Entity<CredentialCounter>(counter =>
        {
            counter.HasKey(c => c.Key);
            counter.Property(c => c.Key).HasMaxLength(100);
            counter.HasIndex(c => c.WindowStart);
        });
        builder.Entity<UserSession>(session =>
        {
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.Address).HasMaxLength(64);
            session.Property(s => s.Device).HasMaxLength(256);
            session.HasIndex(s => s.UserId);
            session.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<TwoFactorKey>(key =>
        {
            key.HasKey(k => k.UserId);
            key.HasOne<User>().WithOne().HasForeignKey<TwoFactorKey>(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RecoveryCode>(code =>
        {
            code.HasKey(c => new { c.UserId, c.CodeHash });
            code.Property(c => c.CodeHash).HasMaxLength(64);
            code.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OidcSigningKey>(key =>
        {
            key.HasKey(k => k.KeyId);
            key.Property(k => k.KeyId).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16);
        });
        OnOidcCreating(builder);
    }

    private static void OnOidcCreating(ModelBuilder builder)
    {
        builder.Entity<OidcGrant>(grant =>
        {
            grant.Property(g => g.ClientId).HasMaxLength(64);
            grant.Property(g => g.SessionId).HasMaxLength(64);
            grant.Property(g => g.Scope).HasMaxLength(200);
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
        });
        builder.Entity<OidcRevokedToken>(token =>
        {
            token.HasKey(t => t.TokenId);
            token.Property(t => t.TokenId).HasMaxLength(64);
        });
    }

    private static void OnGroupsAndAppsCreating(ModelBuilder builder)
    {
        builder.Entity<Group>(group =>
        {
            group.Property(g => g.Name).HasMaxLength(64);
            group.Property(g => g.NormalizedName).HasMaxLength(64);
            group.Property(g => g.Description).HasMaxLength(1000);
            group.HasIndex(g => g.NormalizedName).IsUnique();
        });
        builder.Entity<GroupMember>(member =>
        {
            member.HasKey(m => new { m.GroupId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<App>(app =>
        {
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
        });
        builder.Entity<AppGroup>(allowed =>
        {
            allowed.HasKey(a => new { a.AppId, a.GroupId });
            allowed.HasIndex(a => a.GroupId);
            allowed.HasOne<App>().WithMany().HasForeignKey(a => a.AppId).OnDelete(DeleteBehavior.Cascade);
            // A group an access rule names cannot disappear underneath it: deleting it is refused instead.
            allowed.HasOne<Group>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<AppOperator>(op =>
        {
            op.HasKey(o => new { o.AppId, o.UserId });
            op.HasIndex(o => o.UserId);
            op.HasOne<App>().WithMany().HasForeignKey(o => o.AppId).OnDelete(DeleteBehavior.Cascade);
            op.HasOne<User>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<AppIcon>(icon =>
        {
            icon.HasKey(i => i.AppId);
            icon.Property(i => i.ContentType).HasMaxLength(32);
            icon.HasOne<App>().WithOne().HasForeignKey<AppIcon>(i => i.AppId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    internal sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
