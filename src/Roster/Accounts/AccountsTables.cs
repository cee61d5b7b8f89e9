using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Roster.Accounts;

// This feature's tables, applied by RosterDb from the assembly.

internal sealed class AccountTokenConfiguration : IEntityTypeConfiguration<AccountToken>
{
    public void Configure(EntityTypeBuilder<AccountToken> token)
    {
        token.ToTable("AccountTokens");
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasIndex(t => t.UserId);
        token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FirstOwnerCredentialsConfiguration : IEntityTypeConfiguration<FirstOwnerCredentials>
{
    public void Configure(EntityTypeBuilder<FirstOwnerCredentials> credentials)
    {
        credentials.ToTable("FirstOwnerCredentials");
        credentials.HasKey(c => c.UserId);
        credentials.HasOne<User>().WithOne().HasForeignKey<FirstOwnerCredentials>(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AvatarConfiguration : IEntityTypeConfiguration<Avatar>
{
    public void Configure(EntityTypeBuilder<Avatar> avatar)
    {
        avatar.ToTable("Avatars");
        avatar.HasKey(a => a.UserId);
        avatar.Property(a => a.ContentType).HasMaxLength(32);
        avatar.HasOne<User>().WithOne().HasForeignKey<Avatar>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.ToTable("ApiTokens");
        token.Property(t => t.Name).HasMaxLength(100);
        token.Property(t => t.TokenHash).HasMaxLength(64);
        token.Property(t => t.Prefix).HasMaxLength(16);
        token.HasIndex(t => t.TokenHash).IsUnique();
        token.HasIndex(t => t.UserId);
        token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppPasswordConfiguration : IEntityTypeConfiguration<AppPassword>
{
    public void Configure(EntityTypeBuilder<AppPassword> password)
    {
        password.ToTable("AppPasswords");
        password.Property(p => p.Name).HasMaxLength(AppPasswords.MaxNameLength);
        password.Property(p => p.NormalizedName).HasMaxLength(AppPasswords.MaxNameLength);
        password.Property(p => p.SecretHash).HasMaxLength(64);
        password.HasIndex(p => p.SecretHash).IsUnique();
        password.HasIndex(p => new { p.UserId, p.NormalizedName }).IsUnique();
        password.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        // The app it may be limited to is the Apps feature's table: Apps/AppsTables.cs adds that key.
    }
}

internal sealed class SettingConfiguration : IEntityTypeConfiguration<Setting>
{
    public void Configure(EntityTypeBuilder<Setting> setting)
    {
        setting.ToTable("Settings");
        setting.HasKey(s => s.Key);
        setting.Property(s => s.Key).HasMaxLength(100);
    }
}

internal sealed class CredentialCounterConfiguration : IEntityTypeConfiguration<CredentialCounter>
{
    public void Configure(EntityTypeBuilder<CredentialCounter> counter)
    {
        counter.ToTable("CredentialCounters");
        counter.HasKey(c => c.Key);
        counter.Property(c => c.Key).HasMaxLength(100);
        counter.HasIndex(c => c.WindowStart);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> session)
    {
        session.ToTable("UserSessions");
        session.Property(s => s.Id).HasMaxLength(64);
        session.Property(s => s.Address).HasMaxLength(64);
        session.Property(s => s.Device).HasMaxLength(256);
        session.HasIndex(s => s.UserId);
        session.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TwoFactorKeyConfiguration : IEntityTypeConfiguration<TwoFactorKey>
{
    public void Configure(EntityTypeBuilder<TwoFactorKey> key)
    {
        key.ToTable("TwoFactorKeys");
        key.HasKey(k => k.UserId);
        key.HasOne<User>().WithOne().HasForeignKey<TwoFactorKey>(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> code)
    {
        code.ToTable("RecoveryCodes");
        code.HasKey(c => new { c.UserId, c.CodeHash });
        code.Property(c => c.CodeHash).HasMaxLength(64);
        code.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SshKeyConfiguration : IEntityTypeConfiguration<SshKey>
{
    public void Configure(EntityTypeBuilder<SshKey> key)
    {
        key.ToTable("SshKeys");
        key.Property(k => k.Type).HasMaxLength(64);
        key.Property(k => k.PublicKey).HasMaxLength(SshPublicKeyLine.MaxBlobLength);
        key.Property(k => k.Comment).HasMaxLength(SshPublicKeyLine.MaxCommentLength);
        key.Property(k => k.Fingerprint).HasMaxLength(64);
        key.Property(k => k.AddedBy).HasMaxLength(256);
        // One key opens one account: a key on two accounts would let either person in as the other.
        key.HasIndex(k => k.Fingerprint).IsUnique();
        key.HasIndex(k => k.UserId);
        key.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PosixCounterConfiguration : IEntityTypeConfiguration<PosixCounter>
{
    public void Configure(EntityTypeBuilder<PosixCounter> counter)
    {
        counter.ToTable("PosixCounters");
        counter.HasKey(c => c.Name);
        counter.Property(c => c.Name).HasMaxLength(32);
    }
}
