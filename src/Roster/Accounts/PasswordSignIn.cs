using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

public enum SignInStatus
{
    Succeeded,
    Invalid,
    LockedOut,
    Disabled,

    /// <summary>
    /// The person's own password was right, but it was an LDAP bind and they are held to two-factor while the
    /// security setting makes such people bind with app passwords only. Told to no client: LDAP answers
    /// invalidCredentials, as for a wrong password.
    /// </summary>
    AppPasswordRequired,
}

public enum Credential
{
    Password,

    /// <summary>An owner's one-time password from <c>roster owner-login</c>.</summary>
    OwnerOneTimePassword,

    /// <summary>An admin's temporary password for the account (impersonation).</summary>
    TemporaryPassword,

    /// <summary>One of the person's app passwords: LDAP binds only.</summary>
    AppPassword,
}

/// <summary>
/// An LDAP bind as a person: the client's address for the audit log, and the app whose service account opened the
/// connection, if one did; a password limited to an app binds only there.
/// </summary>
public sealed record DirectoryBind(string ClientAddress, Guid? ViaAppId = null);

/// <summary>The answer of a credential check, and which credential it was (with the app password's name, for one).</summary>
public sealed record SignInOutcome(SignInStatus Status, User? User = null, Credential Credential = Credential.Password, string? AppPasswordName = null)
{
    /// <summary>The person's second factor is for their own password; the operator's and an admin's credentials stand alone.</summary>
    public bool SkipsSecondFactor => Credential != Credential.Password;
}

/// <summary>
/// The one password check for every surface (the dashboard, through it OpenID Connect, and LDAP binds): lockout,
/// disabled accounts, audit and equal treatment of unknown names live here and nowhere else.
/// </summary>
public sealed class PasswordSignIn(
    RosterDb db,
    UserManager<User> users,
    IPasswordHasher<User> hasher,
    AccountLockout lockout,
    AccountTokens tokens,
    AppPasswords appPasswords,
    SecurityPolicy policy,
    AuditLog audit)
{
    private static string? dummyHash;

    /// <summary>A password typed into the dashboard's sign-in form. App passwords do not work here.</summary>
    public Task<SignInOutcome> CheckAsync(string identifier, string password, CancellationToken cancellationToken = default) =>
        CheckAsync(identifier, password, bind: null, cancellationToken);

    /// <summary>
    /// An LDAP bind as a person: the same check, lockout and audit as the dashboard's, where the person's app passwords
    /// also work. A wrong app password counts toward the lockout as a wrong password does: the answer never tells which
    /// was tried. People held to two-factor may be refused their own password here (<see cref="SecurityPolicy.BindsWithAppPasswordsOnlyAsync"/>).
    /// </summary>
    public Task<SignInOutcome> CheckBindAsync(string username, string password, DirectoryBind bind, CancellationToken cancellationToken = default) =>
        CheckAsync(username, password, bind, cancellationToken);

    private async Task<SignInOutcome> CheckAsync(string identifier, string password, DirectoryBind? bind, CancellationToken cancellationToken)
    {
        // A bind names a person by username only: uid=<an email address> names no one, even if the address is someone's.
        var user = bind is null ? await FindByEmailOrUsernameAsync(users, identifier, cancellationToken) : await FindByUsernameAsync(identifier, cancellationToken);
        var outcome = user is null
            ? await CheckUnknownAsync(identifier, password, bind, cancellationToken)
            : await CheckKnownAsync(user, password, bind, cancellationToken);

        var where = bind is null ? null : outcome.AppPasswordName is { } name ? $"LDAP bind with app password '{name}'" : "LDAP bind";
        if (outcome.Status == SignInStatus.Succeeded)
            audit.Record(outcome.Credential switch
            {
                Credential.OwnerOneTimePassword => AuditActions.OwnerLoginUsed,
                Credential.TemporaryPassword => AuditActions.TemporaryPasswordUsed,
                Credential.AppPassword => AuditActions.AppPasswordUsed,
                _ => AuditActions.SignIn,
            }, Actor.For(user!), user, where, bind?.ClientAddress);
        else
            audit.Record(AuditActions.SignInFailed, Actor.Anonymous, user,
                string.Join("; ", new[] { user is null ? $"unknown name '{Truncate(identifier)}'" : null, outcome.Status.ToString(), where }.OfType<string>()),
                bind?.ClientAddress);
        await db.SaveChangesAsync(cancellationToken);
        return outcome;
    }

    public static async Task<User?> FindByEmailOrUsernameAsync(UserManager<User> users, string identifier, CancellationToken cancellationToken = default)
    {
        var normalized = users.NormalizeName(identifier.Trim());
        if (string.IsNullOrEmpty(normalized))
            return null;
        return await users.Users.FirstOrDefaultAsync(
            u => u.NormalizedUserName == normalized || u.NormalizedEmail == normalized, cancellationToken);
    }

    private async Task<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        var normalized = users.NormalizeName(username.Trim());
        return string.IsNullOrEmpty(normalized) ? null : await users.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
    }

    private async Task<SignInOutcome> CheckKnownAsync(User user, string password, DirectoryBind? bind, CancellationToken cancellationToken)
    {
        if (lockout.IsLockedOut(user))
        {
            SpendHashingTime(password);
            return new(SignInStatus.LockedOut);
        }
        if (bind is not null && await appPasswords.FindForBindAsync(user, password, bind.ViaAppId, cancellationToken) is { } appPassword)
        {
            if (!user.Enabled || user.InvitationPending)
                return new(SignInStatus.Disabled);
            appPasswords.RecordUse(appPassword);
            // The password count stays as it is: were a right app password to clear it, someone guessing the person's
            // own password over LDAP could go on for ever between a mail client's binds.
            return new(SignInStatus.Succeeded, user, Credential.AppPassword, appPassword.Name);
        }
        var credential = Credential.Password;
        if (!await users.CheckPasswordAsync(user, password))
        {
            if (await OtherCredentialAsync(user, password) is not { } other)
                return new(await RecordFailureAsync(user, CredentialKind.Password, cancellationToken) ? SignInStatus.LockedOut : SignInStatus.Invalid);
            credential = other;
        }
        // Said only to someone who knows the password, so it reveals nothing to a guesser.
        if (!user.Enabled)
            return new(SignInStatus.Disabled);
        // Not counted as a failure: the password was right, and the dashboard's sign-in would say as much anyway (it asks
        // for the second factor next), so a count would only lock out people whose mail client still has it.
        if (bind is not null && credential == Credential.Password && await policy.BindsWithAppPasswordsOnlyAsync(user, cancellationToken))
            return new(SignInStatus.AppPasswordRequired);
        // Only the password count starts again: wrong second factors stay counted, however often the password is right.
        await lockout.ResetAsync(user, CredentialKind.Password, cancellationToken);
        return new(SignInStatus.Succeeded, user, credential);
    }

    /// <summary>
    /// A signed-in person's current password, asked again before a sensitive change (a new password, turning
    /// two-factor off). Held to the same lockout and audit as signing in: a stolen session cannot guess it.
    /// </summary>
    public async Task<SignInStatus> CheckCurrentPasswordAsync(User user, string? password, CancellationToken cancellationToken = default)
    {
        if (lockout.IsLockedOut(user))
        {
            SpendHashingTime(password ?? "");
            return SignInStatus.LockedOut;
        }
        if (!string.IsNullOrEmpty(password) && await users.CheckPasswordAsync(user, password))
        {
            await lockout.ResetAsync(user, CredentialKind.Password, cancellationToken);
            return SignInStatus.Succeeded;
        }
        var locked = await RecordFailureAsync(user, CredentialKind.Password, cancellationToken);
        audit.Record(AuditActions.CurrentPasswordFailed, Actor.For(user), user);
        await db.SaveChangesAsync(cancellationToken);
        return locked ? SignInStatus.LockedOut : SignInStatus.Invalid;
    }

    /// <summary>
    /// Counts a failed credential toward the account's lockout and says whether the account is now locked,
    /// which is audited when it happens. The caller saves.
    /// </summary>
    public async Task<bool> RecordFailureAsync(User user, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        var locked = await lockout.RecordFailureAsync(user, kind, cancellationToken);
        if (locked)
            audit.Record(AuditActions.AccountLocked, Actor.Anonymous, user, $"after {users.Options.Lockout.MaxFailedAccessAttempts} failed {(kind == CredentialKind.Password ? "passwords" : "second factors")}, until {user.LockoutEnd:yyyy-MM-dd HH:mm} UTC");
        return locked;
    }

    /// <summary>
    /// The credentials that stand in for a password, each only for its own account: an owner's one-time
    /// password from <c>roster owner-login</c> (works once), or an admin's temporary password (works until it expires).
    /// </summary>
    private async Task<Credential?> OtherCredentialAsync(User user, string password)
    {
        if (await tokens.FindUsableAsync(password, AccountTokenPurpose.TemporaryPassword) is { } temporary && temporary.UserId == user.Id)
            return Credential.TemporaryPassword;
        if (user.Role == Role.Owner && await tokens.FindUsableAsync(password, AccountTokenPurpose.OwnerLogin) is { } oneTime &&
            oneTime.UserId == user.Id && await tokens.TryConsumeAsync(oneTime))
            return Credential.OwnerOneTimePassword;
        return null;
    }

    private async Task<SignInOutcome> CheckUnknownAsync(string identifier, string password, DirectoryBind? bind, CancellationToken cancellationToken)
    {
        SpendHashingTime(password);
        // The look-ups a real account's wrong password makes for a temporary password (and, binding, an app password), so both take as long.
        await tokens.FindUsableAsync(password, AccountTokenPurpose.TemporaryPassword, cancellationToken);
        if (bind is not null)
            await appPasswords.FindForBindAsync(null, password, bind.ViaAppId, cancellationToken);
        var normalized = users.NormalizeName(identifier.Trim()) ?? "";
        if (await lockout.IsUnknownNameLockedOutAsync(normalized, cancellationToken))
            return new(SignInStatus.LockedOut);
        return new(await lockout.RecordUnknownNameFailureAsync(normalized, cancellationToken) ? SignInStatus.LockedOut : SignInStatus.Invalid);
    }

    /// <summary>Hashes like a real check would, so response times do not tell which names exist or are locked.</summary>
    private void SpendHashingTime(string password)
    {
        var probe = new User();
        dummyHash ??= hasher.HashPassword(probe, Guid.NewGuid().ToString());
        hasher.VerifyHashedPassword(probe, dummyHash, password);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];
}
