using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Groups;
using Roster.Data;
using Roster.Mail;
using Roster.MailDirectory;

namespace Roster.Users;

/// <summary>One person: editable by those allowed, read-only for everyone else.</summary>
[RequestSizeLimit(Avatars.MaxBytes * 2)]
public sealed class DetailModel(
    RosterDb db,
    CurrentActor current,
    UserChanges changes,
    Invitations invitations,
    PasswordReset reset,
    TimeProvider clock,
    TwoFactor twoFactor,
    TemporaryPasswords temporaryPasswords,
    DashboardSessions sessions,
    GroupChanges groups,
    AppAccessPolicy appAccess,
    AppPasswords appPasswords,
    MailQueries mail,
    IOptions<AccountOptions> accountOptions) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public bool EmailVisible { get; set; }
    [BindProperty] public IFormFile? Avatar { get; set; }
    [BindProperty] public bool RemoveAvatar { get; set; }
    [BindProperty] public Role NewRole { get; set; }
    [BindProperty] public string? ConfirmName { get; set; }

    /// <summary>What becomes of the person's mailboxes when they are deleted (<see cref="MailboxFateForm"/>).</summary>
    [BindProperty] public string? Mailboxes { get; set; }
    [BindProperty] public string? MailboxesTo { get; set; }
    [BindProperty] public Guid GroupId { get; set; }
    [BindProperty] public Guid AppPasswordId { get; set; }

    public User Target { get; private set; } = new();
    public bool HasAvatar { get; private set; }
    public bool MayEdit { get; private set; }
    public string? TemporaryPassword { get; private set; }
    public TimeSpan TemporaryPasswordLifetime => temporaryPasswords.Lifetime;

    /// <summary>When the account's lockout ends, while it is locked.</summary>
    public DateTimeOffset? LockedUntil { get; private set; }
    public bool MayChangeRole { get; private set; }
    public bool MaySendResetLinks { get; private set; }
    public bool IsSelf { get; private set; }
    public bool ShowEmail { get; private set; }
    public IReadOnlyList<Role> Roles { get; private set; } = [];
    public UserStatus Status => Target.InvitationPending ? UserStatus.Invited : Target.Enabled ? UserStatus.Enabled : UserStatus.Disabled;
    public List<AuditEvent> Events { get; private set; } = [];
    public List<Group> Memberships { get; private set; } = [];
    public List<Group> OtherGroups { get; private set; } = [];
    public List<string> Apps { get; private set; } = [];

    /// <summary>The person's app passwords, for those who may see them (never the secrets); null for everyone else.</summary>
    public IReadOnlyList<AppPasswordView>? AppPasswordList { get; private set; }
    public bool MayManageGroups { get; private set; }

    /// <summary>The addresses of the person's own mailboxes, for those who may delete them; deleting asks what becomes of them.</summary>
    public List<string> OwnedMailboxes { get; private set; } = [];

    /// <summary>Whether the actor decides about mail (mail managers, admins, owners): only they can delete someone with mailboxes.</summary>
    public bool MayDecideMail { get; private set; }

    public MailboxFateView MailboxFateView => new(OwnedMailboxes, Mailboxes, MailboxesTo, [.. Errors.Where(e => e.Field == "Mailboxes").Select(e => e.Message)]);

    /// <summary>The person's uidNumber and gidNumber, for admins setting up Linux hosts.</summary>
    public bool ShowPosix { get; private set; }
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }
    public string? CopyLink { get; private set; }
    public string ResetLifetime => MailTemplates.Describe(accountOptions.Value.ResetLinkLifetime);

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, fillForm: true, cancellationToken))
            return NotFound();
        Notice = done switch
        {
            "created" => "The user was created.",
            "invited" => "The invitation is on its way.",
            "added" => "The user was added without an email; they can set a password with “Forgot password?”.",
            "saved" => "The profile was saved.",
            "role" => "The role was changed.",
            "disabled" => "The user is disabled and was signed out everywhere.",
            "enabled" => "The user is enabled again.",
            "resent" => "A new invitation was sent; the old link no longer works.",
            "reset-sent" => "A reset link was emailed.",
            "unlocked" => "The account is unlocked.",
            "sessions-ended" => "All of the user's sessions were ended; the apps signed in through them were told.",
            "two-factor-off" => "Two-factor authentication was turned off; the user was emailed.",
            "groups" => "The group memberships were changed.",
            "app-password-revoked" => "The app password was revoked; apps using it can no longer sign in with it.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync(Guid id, CancellationToken cancellationToken)
    {
        var avatar = await Avatars.ReadAsync(Avatar, cancellationToken);
        if (!avatar.Succeeded)
            return await ShowErrorsAsync(id, avatar.Errors, cancellationToken);
        var change = new ProfileChange(Name, Email, EmailVisible, Username, avatar.Value, RemoveAvatar);
        return await AfterAsync(id, await changes.UpdateProfileAsync(await current.GetAsync(), id, change, cancellationToken), "saved", cancellationToken);
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.SetRoleAsync(await current.GetAsync(), id, NewRole, cancellationToken), "role", cancellationToken);

    public async Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.SetEnabledAsync(await current.GetAsync(), id, false, cancellationToken), "disabled", cancellationToken);

    public async Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.SetEnabledAsync(await current.GetAsync(), id, true, cancellationToken), "enabled", cancellationToken);

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await invitations.ResendAsync(await current.GetAsync(), id, cancellationToken), "resent", cancellationToken);

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await invitations.RevokeAsync(await current.GetAsync(), id, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/users?done=revoked"), Errors, () => LoadAsync(id, fillForm: false, cancellationToken));
    }

    public async Task<IActionResult> OnPostTemporaryPasswordAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowOnceAsync(id, await temporaryPasswords.IssueAsync(await current.GetAsync(), id, cancellationToken), secret => TemporaryPassword = secret, cancellationToken);

    public async Task<IActionResult> OnPostEndSessionsAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await sessions.EndAsync(await current.GetAsync(), id, sessionId: null, cancellationToken), "sessions-ended", cancellationToken);

    public async Task<IActionResult> OnPostUnlockAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.UnlockAsync(await current.GetAsync(), id, cancellationToken), "unlocked", cancellationToken);

    public async Task<IActionResult> OnPostDisableTwoFactorAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await twoFactor.DisableAsync(await current.GetAsync(), id, cancellationToken), "two-factor-off", cancellationToken);

    public async Task<IActionResult> OnPostResetEmailAsync(Guid id, CancellationToken cancellationToken)
    {
        return await AfterAsync(id, await reset.IssueForAsync(await current.GetAsync(), id, email: true, cancellationToken), "reset-sent", cancellationToken);
    }

    public async Task<IActionResult> OnPostResetLinkAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowOnceAsync(id, await reset.IssueForAsync(await current.GetAsync(), id, email: false, cancellationToken), secret => CopyLink = secret, cancellationToken);

    /// <summary>A secret (a reset link, a temporary password) goes into this response only, never a redirect, and is not cached.</summary>
    private async Task<IActionResult> ShowOnceAsync(Guid id, Result<string> result, Action<string> show, CancellationToken cancellationToken)
    {
        if (!result.Succeeded)
            return await ShowErrorsAsync(id, result.Errors, cancellationToken);
        await LoadAsync(id, fillForm: true, cancellationToken);
        show(result.Value!);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAppPasswordAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await appPasswords.RevokeAsync(await current.GetAsync(), id, AppPasswordId, cancellationToken), "app-password-revoked", cancellationToken);

    public async Task<IActionResult> OnPostJoinGroupAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await groups.AddMembersAsync(await current.GetAsync(), GroupId, [id.ToString()], cancellationToken), "groups", cancellationToken);

    public async Task<IActionResult> OnPostLeaveGroupAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await groups.RemoveMembersAsync(await current.GetAsync(), GroupId, [id], cancellationToken), "groups", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var (fate, choiceError) = MailboxFateForm.Read(Mailboxes, MailboxesTo);
        var result = choiceError is not null ? Result<User>.Fail([choiceError])
            : await changes.DeleteAsync(await current.GetAsync(), id, ConfirmName ?? "", fate, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/users?done=deleted&count=1"), Errors, () => LoadAsync(id, fillForm: false, cancellationToken));
    }

    private Task<IActionResult> AfterAsync<T>(Guid id, Result<T> result, string done, CancellationToken cancellationToken) =>
        this.AnswerAsync(result, _ => Redirect($"/user/{id}?done={done}"), Errors, () => LoadAsync(id, fillForm: false, cancellationToken));

    private Task<IActionResult> ShowErrorsAsync(Guid id, IReadOnlyList<Error> errors, CancellationToken cancellationToken) =>
        AfterAsync(id, Result<User>.Fail(errors), "", cancellationToken);

    private async Task<bool> LoadAsync(Guid id, bool fillForm, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var target = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (target is null)
            return false;
        var actor = await current.GetAsync();
        Target = target;
        LockedUntil = target.LockoutEnd > clock.GetUtcNow() ? target.LockoutEnd : null;
        HasAvatar = await db.Avatars.AnyAsync(a => a.UserId == id, cancellationToken);
        IsSelf = actor.IsSelf(target);
        MayEdit = Permissions.MayEdit(actor, target) && Permissions.MayManageUsers(actor.Role);
        MayChangeRole = MayEdit && Permissions.MayChangeRoles(actor);
        MaySendResetLinks = MayEdit && Permissions.IsAdmin(actor.Role);
        ShowEmail = target.EmailVisible || IsSelf || Permissions.MayManageUsers(actor.Role);
        Roles = Permissions.AssignableRoles(actor);
        MayManageGroups = Permissions.MayManageUsers(actor.Role);
        ShowPosix = Permissions.IsAdmin(actor.Role);
        Memberships = await db.GroupMembers.Where(m => m.UserId == id).Join(db.Groups, m => m.GroupId, g => g.Id, (_, g) => g)
            .AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);
        var memberOf = Memberships.Select(g => g.Id).ToList();
        OtherGroups = MayManageGroups
            ? await db.Groups.AsNoTracking().Where(g => !memberOf.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(cancellationToken)
            : [];
        Apps = await appAccess.UsableBy(target).Select(a => a.Name).OrderBy(n => n).ToListAsync(cancellationToken);
        AppPasswordList = await appPasswords.ListAsync(actor, target, cancellationToken);
        MayDecideMail = Permissions.MayManageMail(actor.Role);
        OwnedMailboxes = MayEdit && !IsSelf ? [.. (await mail.MailboxesAsync(id, cancellationToken)).Select(m => m.Address)] : [];
        if (Permissions.IsAdmin(actor.Role))
            Events = await db.AuditEvents.AsNoTracking().Where(e => e.TargetId == id).OrderByDescending(e => e.At).Take(10).ToListAsync(cancellationToken);
        if (fillForm)
        {
            Email = target.Email ?? "";
            Username = target.UserName;
            Name = target.Name;
            EmailVisible = target.EmailVisible;
        }
        return true;
    }
}
