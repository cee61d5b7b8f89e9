using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Accounts;
using Roster.MailDirectory;

namespace Roster.Users;

/// <summary>The signed-in person's own account. App passwords are in Account.AppPasswords.cshtml.cs.</summary>
[RequestSizeLimit(Avatars.MaxBytes * 2)]
public sealed partial class AccountModel(
    RosterDb db,
    UserManager<User> users,
    DashboardSessions sessions,
    UserChanges changes,
    Credentials credentials,
    ApiTokens apiTokens,
    TemporaryPasswords temporaryPasswords,
    AppPasswords appPasswords,
    SshKeys sshKeys,
    MailQueries mail) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public bool EmailVisible { get; set; }
    [BindProperty] public IFormFile? Avatar { get; set; }
    [BindProperty] public bool RemoveAvatar { get; set; }
    [BindProperty] public string CurrentPassword { get; set; } = "";
    [BindProperty] public string NewPassword { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";
    [BindProperty] public string TokenName { get; set; } = "";
    [BindProperty] public Guid TokenId { get; set; }
    [BindProperty] public string? SessionId { get; set; }

    public User Me { get; private set; } = new();
    public bool HasAvatar { get; private set; }
    public List<ApiToken> Tokens { get; private set; } = [];
    public List<DateTime> TemporaryPasswordUses { get; private set; } = [];
    public List<UserSession> Sessions { get; private set; } = [];
    public IReadOnlyList<UserPasskeyInfo> Passkeys { get; private set; } = [];
    public List<SshKey> SshKeys { get; private set; } = [];

    /// <summary>The mailboxes the person owns (not the shared ones of their groups), with their aliases.</summary>
    public List<MailboxDto> Mailboxes { get; private set; } = [];
    public string? CurrentSessionId => DashboardSessions.SessionOf(User)?.SessionId;
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }
    public string? NewToken { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        await LoadAsync(fillForm: true, cancellationToken);
        Notice = done switch
        {
            "saved" => "Your profile was saved.",
            "password" => "Your password was changed. Your other sessions were signed out.",
            "email-confirmed" => "Your email address is confirmed.",
            "revoked" => "The token was revoked.",
            "session-ended" => "The session was ended; the apps signed in through it were told.",
            "app-password-revoked" => "The app password was revoked; apps using it can no longer sign in with it.",
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostProfileAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var avatar = await Avatars.ReadAsync(Avatar, cancellationToken);
        if (!avatar.Succeeded)
            return await ShowAsync(avatar.Errors, cancellationToken);
        var username = me.UserName is null ? Username : null;
        var result = await changes.UpdateProfileAsync(Actor.For(me), me.Id, new ProfileChange(Name, Email, EmailVisible, username, avatar.Value, RemoveAvatar), cancellationToken);
        return result.Succeeded ? Redirect("/account?done=saved") : await ShowAsync(result.Errors, cancellationToken);
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var result = await credentials.ChangePasswordAsync(me, CurrentPassword, NewPassword, Confirm, CurrentSessionId, cancellationToken);
        if (!result.Succeeded)
            return await ShowAsync(result.Errors, cancellationToken);
        // The new security stamp ended every session; this one gets a fresh cookie.
        await sessions.RefreshAsync(HttpContext, me);
        return Redirect("/account?done=password");
    }

    public async Task<IActionResult> OnPostEndSessionAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        // Ending every other session when none is named; this one stays either way (sign out ends it).
        var result = await sessions.EndAsync(Actor.For(me), me.Id, SessionId, cancellationToken, exceptSessionId: CurrentSessionId);
        return result.Succeeded ? Redirect("/account?done=session-ended") : await ShowAsync(result.Errors, cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var result = await apiTokens.CreateAsync(me, TokenName, cancellationToken);
        if (!result.Succeeded)
            return await ShowAsync(result.Errors, cancellationToken);
        await LoadAsync(fillForm: true, cancellationToken);
        NewToken = result.Value;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeTokenAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        return await apiTokens.RevokeAsync(me, TokenId, cancellationToken) ? Redirect("/account?done=revoked") : NotFound();
    }

    private async Task<User> MeAsync() => await users.GetUserAsync(User) ?? throw new InvalidOperationException("signed in without an account");

    private async Task<IActionResult> ShowAsync(IReadOnlyList<Error> errors, CancellationToken cancellationToken)
    {
        await LoadAsync(fillForm: false, cancellationToken);
        Errors.AddRange(errors);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(bool fillForm, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var id = Guid.Parse(users.GetUserId(User)!);
        Me = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, cancellationToken);
        HasAvatar = await db.Avatars.AnyAsync(a => a.UserId == id, cancellationToken);
        Tokens = await apiTokens.ListAsync(Me, cancellationToken);
        TemporaryPasswordUses = await temporaryPasswords.UsesAsync(id, cancellationToken);
        Sessions = await sessions.ListAsync(id, cancellationToken);
        Passkeys = [.. await users.GetPasskeysAsync(Me)];
        await LoadAppPasswordsAsync(appPasswords, cancellationToken);
        SshKeys = (await sshKeys.ListAsync(Actor.For(Me), id, cancellationToken)).Value ?? [];
        Mailboxes = await mail.MailboxesAsync(id, cancellationToken);
        if (fillForm)
        {
            Email = Me.Email ?? "";
            Username = Me.UserName;
            Name = Me.Name;
            EmailVisible = Me.EmailVisible;
        }
    }
}
