using Microsoft.AspNetCore.Authorization;

namespace Roster.Accounts;

/// <summary>
/// PRODUCT.md section 1 as code: one policy per capability for endpoints, and the rules that depend on
/// the target (a user manager may not touch admins) for operations. Pages, API and CLI all ask here.
/// </summary>
/// <summary>The editable fields of an account, each with its own rule in <see cref="Permissions.MayChange"/>.</summary>
public enum UserField
{
    Name,
    Username,
    Email,
    EmailVisible,
    Avatar,
    Role,
    Enabled,
    Groups,
}

public static class Permissions
{
    /// <summary>Add, invite, edit, disable and delete users (and groups): user managers and above.</summary>
    public const string ManageUsers = "manage-users";

    /// <summary>Roles, reset links for others, the audit log, apps, instance settings.</summary>
    public const string Administer = "administer";

    /// <summary>Mail domains' mailboxes, aliases and lists (PRODUCT.md section 10): mail managers, admins and owners, not user managers.</summary>
    public const string ManageMail = "manage-mail";

    public static AuthorizationBuilder AddRosterPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ManageUsers, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => MayManageUsers(RoleClaim.Of(c.User))))
        .AddPolicy(ManageMail, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => MayManageMail(RoleClaim.Of(c.User))))
        .AddPolicy(Administer, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => IsAdmin(RoleClaim.Of(c.User))));

    public static bool MayManageUsers(Role actor) => actor >= Role.UserManager;

    public static bool IsAdmin(Role actor) => actor >= Role.Admin;

    /// <summary>A user manager ranks below a mail manager for people, but mail is not theirs.</summary>
    public static bool MayManageMail(Role actor) => actor == Role.MailManager || IsAdmin(actor);

    /// <summary>Whether the actor may change this account's profile, status or existence.</summary>
    public static bool MayEdit(Actor actor, User target) => MayEdit(actor, target.Role);

    /// <summary>The same rule by the target's role alone, for lists that hold rows rather than accounts.</summary>
    public static bool MayEdit(Actor actor, Role target) => actor.Role switch
    {
        Role.Owner => true,
        Role.Admin => target < Role.Owner,
        Role.UserManager or Role.MailManager => target < Role.Admin,
        _ => false,
    };

    /// <summary>Roles the actor may give. New users of a user manager are always plain users.</summary>
    public static IReadOnlyList<Role> AssignableRoles(Actor actor) => actor.Role switch
    {
        Role.Owner => [Role.User, Role.UserManager, Role.MailManager, Role.Admin, Role.Owner],
        Role.Admin => [Role.User, Role.UserManager, Role.MailManager, Role.Admin],
        Role.UserManager or Role.MailManager => [Role.User],
        _ => [],
    };

    public static bool MayChangeRoles(Actor actor) => IsAdmin(actor.Role);

    /// <summary>
    /// Who may change which field of whom, one rule per field, for every surface. A person edits their own
    /// profile; a username is chosen once by its person (an invitee) and afterwards changed only by admins;
    /// user managers edit everyone below admin; roles are for admins.
    /// </summary>
    public static bool MayChange(Actor actor, User target, UserField field) => field switch
    {
        UserField.Name or UserField.Email or UserField.EmailVisible or UserField.Avatar => actor.IsSelf(target) || MayManage(actor, target),
        UserField.Username => actor.IsSelf(target) && target.UserName is null || IsAdmin(actor.Role) && MayEdit(actor, target),
        UserField.Role => MayChangeRoles(actor) && MayEdit(actor, target),
        UserField.Enabled => MayManage(actor, target),
        UserField.Groups => MayManage(actor, target),
        _ => false,
    };

    /// <summary>Whether the actor may change who is in a group: admins for groups a security policy names.</summary>
    public static bool MayChangeMembers(Actor actor, bool groupNamedByPolicy) => groupNamedByPolicy ? IsAdmin(actor.Role) : MayManageUsers(actor.Role);

    private static bool MayManage(Actor actor, User target) => MayManageUsers(actor.Role) && MayEdit(actor, target);

    /// <summary>
    /// Who sees and revokes a person's app passwords (never their secrets): the person, and those who may disable
    /// them. Only the person creates them.
    /// </summary>
    public static bool MayManageAppPasswords(Actor actor, User target) => actor.IsSelf(target) || MayManage(actor, target);

    /// <summary>
    /// An SSH key opens every Linux host that reads the directory as its person, so adding one is giving a
    /// credential: the person, or an admin (who may already issue temporary passwords), never a user manager.
    /// </summary>
    public static bool MayAddSshKey(Actor actor, User target) => actor.IsSelf(target) || MayAdminister(actor, target);

    /// <summary>Taking a key away only closes a door, as disabling does: user managers too, for the people they manage.</summary>
    public static bool MayRemoveSshKey(Actor actor, User target) => actor.IsSelf(target) || MayManage(actor, target);

    /// <summary>Public keys, as on /user/&lt;id&gt;: the person and user managers and above.</summary>
    public static bool MaySeeSshKeys(Actor actor, User target) => actor.IsSelf(target) || MayManageUsers(actor.Role);

    /// <summary>An admin acting on an account they may edit: reset links, temporary passwords, turning off two-factor, ending sessions.</summary>
    public static bool MayAdminister(Actor actor, User target) => IsAdmin(actor.Role) && MayEdit(actor, target);

    public static string Label(this Role role) => role switch
    {
        Role.UserManager => "User manager",
        Role.MailManager => "Mail manager",
        _ => role.ToString(),
    };
}
