using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Groups;
using Roster.MailDirectory;
using Roster.Outbox;
using Roster.OidcProvider;
using Roster.Provisioning;

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
    public DbSet<AppPassword> AppPasswords => Set<AppPassword>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<AppGroup> AppGroups => Set<AppGroup>();
    public DbSet<AppOperator> AppOperators => Set<AppOperator>();
    public DbSet<AppIcon> AppIcons => Set<AppIcon>();
    public DbSet<AppRole> AppRoles => Set<AppRole>();
    public DbSet<AppRoleHolder> AppRoleHolders => Set<AppRoleHolder>();
    public DbSet<OidcSigningKey> OidcSigningKeys => Set<OidcSigningKey>();
    public DbSet<TwoFactorKey> TwoFactorKeys => Set<TwoFactorKey>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<CredentialCounter> CredentialCounters => Set<CredentialCounter>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<OidcGrant> OidcGrants => Set<OidcGrant>();
    public DbSet<OidcRevokedToken> OidcRevokedTokens => Set<OidcRevokedToken>();
    public DbSet<OidcConsent> OidcConsents => Set<OidcConsent>();
    public DbSet<ApiResource> ApiResources => Set<ApiResource>();
    public DbSet<ApiResourceAccess> ApiResourceAccess => Set<ApiResourceAccess>();
    public DbSet<SshKey> SshKeys => Set<SshKey>();
    public DbSet<PosixCounter> PosixCounters => Set<PosixCounter>();
    public DbSet<MailDomain> MailDomains => Set<MailDomain>();
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();
    public DbSet<MailAddress> MailAddresses => Set<MailAddress>();
    public DbSet<MailingList> MailingLists => Set<MailingList>();
    public DbSet<MailingListMember> MailingListMembers => Set<MailingListMember>();
    public DbSet<ScimConnection> ScimConnections => Set<ScimConnection>();
    public DbSet<ScimResource> ScimResources => Set<ScimResource>();

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
        // Each feature configures its own tables (IEntityTypeConfiguration beside its entities).
        builder.ApplyConfigurationsFromAssembly(typeof(RosterDb).Assembly);

        builder.Entity<User>(user =>
        {
            user.ToTable("Users");
            user.Property(u => u.Name).HasMaxLength(256);
            // Each list order ends with Id, in the same direction, so one index serves a whole page query.
            user.HasIndex(u => new { u.UpdatedAt, u.Id });
            user.HasIndex(u => new { u.Name, u.Id });
            user.HasIndex(u => new { u.Role, u.UpdatedAt, u.Id });
            // PostgreSQL 15 has only stored generated columns; SQLite can only add virtual ones to an existing table.
            user.Property(u => u.SearchText).HasComputedColumnSql(User.SearchTextSql, stored: !Database.IsSqlite());
            // Identity leaves the email index non-unique; Roster needs one account per address, also under concurrent writes.
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
            // Drawn once per person (Accounts.PosixNumbers); the index is the database's own guard against a repeat.
            user.HasIndex(u => u.UidNumber).IsUnique();
        });
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("UserClaims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("UserLogins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("UserTokens");
        // Passkeys exist in Identity's schema version 3, which DatabaseSetup selects; a context built without
        // the app's services has no passkeys in its model, and must not get a half-mapped entity here.
        if (builder.Model.FindEntityType(typeof(IdentityUserPasskey<Guid>)) is not null)
            builder.Entity<IdentityUserPasskey<Guid>>().ToTable("UserPasskeys");

        builder.Entity<DataProtectionKey>(key => key.Property(k => k.FriendlyName).HasMaxLength(256));
    }

    internal sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
