using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;

namespace Roster.Accounts;

/// <summary>A person's authenticator key, encrypted with the data-protection key ring; confirmed once a first code matched.</summary>
public sealed class TwoFactorKey
{
    public Guid UserId { get; set; }
    public string ProtectedKey { get; set; } = "";

    /// <summary>The last time step a code was accepted for: no code of it or before works again.</summary>
    public long LastUsedStep { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }
}

/// <summary>A single-use recovery code, kept as its SHA-256.</summary>
public sealed class RecoveryCode
{
    public Guid UserId { get; set; }
    public string CodeHash { get; set; } = "";
    public DateTime? UsedAt { get; set; }
}

public enum SecondFactor
{
    Invalid,
    AuthenticatorCode,
    RecoveryCode,

    /// <summary>Refused without looking: too many wrong codes (or passwords) locked the account.</summary>
    LockedOut,
}

/// <summary>
/// Two-factor authentication with an authenticator app: enrolment with a confirming first code, ten
/// single-use recovery codes, the check at sign-in, and turning it off (by the person, or by an admin,
/// which is audited and emailed).
/// </summary>
public sealed class TwoFactor(
    RosterDb db,
    UserManager<User> users,
    IDataProtectionProvider protection,
    AuditLog audit,
    Mailer mailer,
    Links links,
    PasswordSignIn passwordSignIn,
    AccountLockout lockout,
    TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>The data protection purpose of authenticator keys; an export and import (Transfer) unprotect and protect with it too.</summary>
    public const string KeyPurpose = "Roster.Accounts.TwoFactorKeys";

    private readonly IDataProtector protector = protection.CreateProtector(KeyPurpose);

    /// <summary>A new, unconfirmed key for the person, replacing any earlier unconfirmed one; returned to be shown.</summary>
    public async Task<byte[]> StartAsync(User user, CancellationToken cancellationToken)
    {
        var key = Totp.NewKey();
        // Protected before any transaction: the first use of the key ring writes to the database.
        var protectedKey = Convert.ToBase64String(protector.Protect(key));
        await db.TwoFactorKeys.Where(k => k.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        db.TwoFactorKeys.Add(new TwoFactorKey { UserId = user.Id, ProtectedKey = protectedKey, CreatedAt = Now });
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>The key waiting for its first code, if enrolment has started.</summary>
    public async Task<byte[]?> PendingKeyAsync(User user, CancellationToken cancellationToken) =>
        await db.TwoFactorKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == user.Id && k.ConfirmedAt == null, cancellationToken) is { } pending
            ? protector.Unprotect(Convert.FromBase64String(pending.ProtectedKey))
            : null;

    /// <summary>Turns two-factor on when <paramref name="code"/> is right for the pending key; returns the recovery codes to show once.</summary>
    public async Task<Result<IReadOnlyList<string>>> ConfirmAsync(User user, string? code, CancellationToken cancellationToken)
    {
        var pending = await db.TwoFactorKeys.SingleOrDefaultAsync(k => k.UserId == user.Id && k.ConfirmedAt == null, cancellationToken);
        if (pending is null)
            return new Error("two-factor.not-started", "Start the set-up again: there is no key waiting for confirmation.");
        var step = Totp.Match(protector.Unprotect(Convert.FromBase64String(pending.ProtectedKey)), Clean(code), clock.GetUtcNow(), pending.LastUsedStep);
        if (step is null)
            return new Error("two-factor.code", "That code is not right. Enter the 6 digits your authenticator app shows now.", "Code");
        var codes = NewCodes();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        pending.ConfirmedAt = Now;
        pending.LastUsedStep = step.Value;
        await ReplaceRecoveryCodesAsync(user, codes, cancellationToken);
        user.TwoFactorEnabled = true;
        audit.Record(AuditActions.TwoFactorEnabled, Actor.For(user), user);
        // A new security stamp: sessions that signed in with the password alone end.
        await users.UpdateSecurityStampAsync(user);
        await transaction.CommitAsync(cancellationToken);
        return Result<IReadOnlyList<string>>.Ok(codes);
    }

    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(User user, CancellationToken cancellationToken)
    {
        var codes = NewCodes();
        await ReplaceRecoveryCodesAsync(user, codes, cancellationToken);
        audit.Record(AuditActions.RecoveryCodesRenewed, Actor.For(user), user);
        await db.SaveChangesAsync(cancellationToken);
        return codes;
    }

    public Task<int> RecoveryCodesLeftAsync(User user, CancellationToken cancellationToken) =>
        db.RecoveryCodes.CountAsync(c => c.UserId == user.Id && c.UsedAt == null, cancellationToken);

    /// <summary>
    /// The second step of signing in: the same lockout as passwords, a count of wrong codes of its own (a right
    /// password never resets it), and every failure and recovery code audited.
    /// </summary>
    public async Task<SecondFactor> SignInAsync(User user, string? code, CancellationToken cancellationToken)
    {
        if (lockout.IsLockedOut(user))
            return SecondFactor.LockedOut;
        var factor = await VerifyAsync(user, code, cancellationToken);
        if (factor == SecondFactor.Invalid)
        {
            audit.Record(AuditActions.SecondFactorFailed, Actor.Anonymous, user);
            var locked = await passwordSignIn.RecordFailureAsync(user, CredentialKind.SecondFactor, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return locked ? SecondFactor.LockedOut : SecondFactor.Invalid;
        }
        await lockout.ResetAsync(user, CredentialKind.SecondFactor, cancellationToken);
        if (factor == SecondFactor.RecoveryCode)
        {
            audit.Record(AuditActions.RecoveryCodeUsed, Actor.For(user), user);
            await db.SaveChangesAsync(cancellationToken);
        }
        return factor;
    }

    /// <summary>Checks a code from the authenticator app, or else a recovery code, and spends it.</summary>
    public async Task<SecondFactor> VerifyAsync(User user, string? code, CancellationToken cancellationToken)
    {
        var cleaned = Clean(code);
        var key = await db.TwoFactorKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == user.Id && k.ConfirmedAt != null, cancellationToken);
        if (key is not null && cleaned.Length == Totp.Digits &&
            Totp.Match(protector.Unprotect(Convert.FromBase64String(key.ProtectedKey)), cleaned, clock.GetUtcNow(), key.LastUsedStep) is { } step)
        {
            // Conditional, so two requests with the same code cannot both pass.
            var spent = await db.TwoFactorKeys.Where(k => k.UserId == user.Id && k.LastUsedStep < step)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedStep, step), cancellationToken);
            if (spent == 1)
                return SecondFactor.AuthenticatorCode;
        }
        var hash = Secrets.Hash(cleaned.ToUpperInvariant());
        var now = Now;
        var used = await db.RecoveryCodes.Where(c => c.UserId == user.Id && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UsedAt, now), cancellationToken);
        return used == 1 ? SecondFactor.RecoveryCode : SecondFactor.Invalid;
    }

    /// <summary>Turns two-factor off. When someone else does it (an admin), the person is emailed.</summary>
    public async Task<Result<User>> DisableAsync(Actor actor, Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.FindAsync([userId], cancellationToken);
        if (user is null)
            return UserErrors.NotFound;
        if (!actor.IsSelf(user) && !Permissions.MayAdminister(actor, user))
            return UserErrors.Forbidden;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.TwoFactorKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        user.TwoFactorEnabled = false;
        audit.Record(AuditActions.TwoFactorDisabled, actor, user);
        if (!actor.IsSelf(user) && user.Email is not null)
            mailer.Enqueue(user.Email, MailTemplates.TwoFactorDisabled(user.Name, actor.Name, links.Absolute("/account/two-factor")));
        await users.UpdateAsync(user);
        await transaction.CommitAsync(cancellationToken);
        return Result<User>.Ok(user);
    }

    private async Task ReplaceRecoveryCodesAsync(User user, IReadOnlyList<string> codes, CancellationToken cancellationToken)
    {
        await db.RecoveryCodes.Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        db.RecoveryCodes.AddRange(codes.Select(c => new RecoveryCode { UserId = user.Id, CodeHash = Secrets.Hash(c) }));
    }

    /// <summary>Ten codes of 10 characters from an alphabet without look-alikes, shown as xxxxx-xxxxx.</summary>
    private static List<string> NewCodes() =>
        [.. Enumerable.Range(0, RecoveryCodeCount).Select(_ => System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 10))];

    public static string Display(string code) => code[..5] + "-" + code[5..];

    private static string Clean(string? code) => (code ?? "").Replace(" ", "").Replace("-", "").Trim();

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
