using Roster.Data;

namespace Roster.Audit;

/// <summary>
/// The one way to record who did what. Events are added to the caller's unit of work, so an event is
/// stored exactly when the change it describes is.
/// </summary>
public sealed class AuditLog(Lazy<RosterDb> database, TimeProvider clock, IHttpContextAccessor http)
{
    private RosterDb db => database.Value;

    /// <param name="clientAddress">Where the request came from, for work done after its answer; otherwise the current request's.</param>
    public void Record(string action, Actor actor, User? target = null, string? details = null, string? clientAddress = null)
    {
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = clock.GetUtcNow().UtcDateTime,
            Action = action,
            ActorId = actor.User?.Id,
            ActorName = actor.Name,
            TargetId = target?.Id,
            TargetName = target?.UserName ?? target?.Email,
            ClientAddress = clientAddress ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Details = details,
        });
    }
}

public static class AuditActions
{
    public const string OwnerCreated = "owner.created";
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in.failed";
    public const string SignOut = "sign-out";
    public const string PasswordResetRequested = "password-reset.requested";
    public const string PasswordReset = "password-reset.completed";
    public const string ResetLinkSent = "password-reset.link-sent";
    public const string ResetLinkCreated = "password-reset.link-created";
    public const string PasswordChanged = "password.changed";
    public const string CurrentPasswordFailed = "password.current-failed";
    public const string UsernameChanged = "user.username-changed";
    public const string EmailChanged = "user.email-changed";
    public const string EmailConfirmed = "user.email-confirmed";
    public const string UserCreated = "user.created";
    public const string UserInvited = "user.invited";
    public const string UserUpdated = "user.updated";
    public const string RoleChanged = "user.role-changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserDeleted = "user.deleted";
    public const string InvitationResent = "invitation.resent";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationAccepted = "invitation.accepted";
    public const string ApiTokenCreated = "api-token.created";
    public const string ApiTokenRevoked = "api-token.revoked";
    public const string AppPasswordCreated = "app-password.created";
    public const string AppPasswordRevoked = "app-password.revoked";
    public const string AppPasswordUsed = "app-password.used";
    public const string GroupCreated = "group.created";
    public const string GroupUpdated = "group.updated";
    public const string GroupDeleted = "group.deleted";
    public const string GroupMemberAdded = "group.member-added";
    public const string GroupMemberRemoved = "group.member-removed";
    public const string AppRegistered = "app.registered";
    public const string AppUpdated = "app.updated";
    public const string AppOperatorsChanged = "app.operators-changed";
    public const string AppRoleDefined = "app.role-defined";
    public const string AppRoleDeleted = "app.role-deleted";
    public const string AppRoleGiven = "app.role-given";
    public const string AppRoleTaken = "app.role-taken";
    public const string AppDeleted = "app.deleted";
    public const string AppScimChanged = "app.scim-changed";
    public const string AppScimSync = "app.scim-sync";
    public const string AppScimGaveUp = "app.scim-gave-up";
    public const string AppSignIn = "app.sign-in";
    public const string SessionsEnded = "sessions.ended";
    public const string PasskeyAdded = "passkey.added";
    public const string PasskeyRemoved = "passkey.removed";
    public const string PasskeySignIn = "sign-in.passkey";
    public const string SettingsChanged = "settings.changed";
    public const string AccountLocked = "account.locked";
    public const string AccountUnlocked = "account.unlocked";
    public const string TemporaryPasswordIssued = "temporary-password.issued";
    public const string TemporaryPasswordUsed = "temporary-password.used";
    public const string OwnerLoginIssued = "owner-login.issued";
    public const string OwnerLoginUsed = "owner-login.used";
    public const string TwoFactorEnabled = "two-factor.enabled";
    public const string TwoFactorDisabled = "two-factor.disabled";
    public const string RecoveryCodesRenewed = "two-factor.recovery-codes-renewed";
    public const string SecondFactorFailed = "two-factor.failed";
    public const string RecoveryCodeUsed = "two-factor.recovery-code-used";
    public const string AppGrantRevoked = "app.grant-revoked";
    public const string AppDeviceApproved = "app.device-approved";
    public const string AppDeviceDenied = "app.device-denied";
    public const string AppConsentGiven = "app.consent-given";
    public const string AppConsentRevoked = "app.consent-revoked";
    public const string ApiRegistered = "api.registered";
    public const string ApiUpdated = "api.updated";
    public const string ApiDeleted = "api.deleted";
    public const string SshKeyAdded = "ssh-key.added";
    public const string SshKeyRemoved = "ssh-key.removed";
    public const string MailDomainAdded = "mail-domain.added";
    public const string MailDomainRemoved = "mail-domain.removed";
    public const string MailboxCreated = "mailbox.created";
    public const string MailboxUpdated = "mailbox.updated";
    public const string MailboxDeleted = "mailbox.deleted";
    public const string MailboxHandedOver = "mailbox.handed-over";
    public const string MailAliasAdded = "mailbox.alias-added";
    public const string MailAliasRemoved = "mailbox.alias-removed";
    public const string MailingListCreated = "mailing-list.created";
    public const string MailingListUpdated = "mailing-list.updated";
    public const string MailingListDeleted = "mailing-list.deleted";
    public const string MailingListMemberAdded = "mailing-list.member-added";
    public const string MailingListMemberRemoved = "mailing-list.member-removed";
    public const string UserImported = "user.imported";
    public const string ImportCompleted = "import.completed";
    public const string ExportWritten = "export.written";

    public static readonly string[] All =
    [
        OwnerCreated, SignIn, SignInFailed, SignOut, PasswordResetRequested, PasswordReset, ResetLinkSent, ResetLinkCreated,
        PasswordChanged, CurrentPasswordFailed, UsernameChanged, EmailChanged, EmailConfirmed, UserCreated, UserInvited, UserUpdated, RoleChanged, UserDisabled, UserEnabled, UserDeleted,
        InvitationResent, InvitationRevoked, InvitationAccepted, ApiTokenCreated, ApiTokenRevoked, AppPasswordCreated, AppPasswordRevoked, AppPasswordUsed,
        GroupCreated, GroupUpdated, GroupDeleted, GroupMemberAdded, GroupMemberRemoved,
        AppRegistered, AppUpdated, AppOperatorsChanged, AppRoleDefined, AppRoleDeleted, AppRoleGiven, AppRoleTaken, AppDeleted, AppScimChanged, AppScimSync, AppScimGaveUp,
        AppSignIn, AppGrantRevoked, ApiRegistered, ApiUpdated, ApiDeleted, AppDeviceApproved, AppDeviceDenied, AppConsentGiven, AppConsentRevoked,
        SessionsEnded, PasskeyAdded, PasskeyRemoved, PasskeySignIn, SettingsChanged, AccountLocked, AccountUnlocked, TemporaryPasswordIssued, TemporaryPasswordUsed, OwnerLoginIssued, OwnerLoginUsed, TwoFactorEnabled, TwoFactorDisabled, RecoveryCodesRenewed, SecondFactorFailed, RecoveryCodeUsed,
        SshKeyAdded, SshKeyRemoved,
        MailDomainAdded, MailDomainRemoved, MailboxCreated, MailboxUpdated, MailboxDeleted, MailboxHandedOver, MailAliasAdded, MailAliasRemoved,
        MailingListCreated, MailingListUpdated, MailingListDeleted, MailingListMemberAdded, MailingListMemberRemoved,
        UserImported, ImportCompleted, ExportWritten,
    ];
}
