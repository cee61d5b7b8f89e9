using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace Roster.Accounts;

/// <summary>/account/two-factor: set up an authenticator app, renew recovery codes, or turn two-factor off.</summary>
public sealed class TwoFactorSettingsModel(TwoFactor twoFactor, PasswordSignIn passwordSignIn, UserManager<User> users, DashboardSessions sessions, SecurityPolicy policy, Links links) : PageModel
{
    private static readonly Error RequiredByPolicy = new("two-factor.required",
        "Your administrator requires two-factor authentication for your account, so it stays on. You can create new recovery codes instead.");
    private static readonly Error PasswordLocked = new("password.locked",
        "Too many wrong passwords: this account is locked for a while. Two-factor authentication is still on.", "Password");
    private static readonly Error PasswordWrong = new("password.current", "The password is not right. Two-factor authentication is still on.", "Password");

    [BindProperty] public string Code { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";

    public User Me { get; private set; } = new();
    public string? ManualKey { get; private set; }
    public string? QrCode { get; private set; }
    public int CodesLeft { get; private set; }
    public IReadOnlyList<string> NewCodes { get; private set; } = [];
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Notice = done == "off" ? "Two-factor authentication is off. Your password alone signs you in."
            : DashboardSessions.MustEnrol(User) ? "Your administrator requires two-factor authentication for your account. Set it up to continue."
            : null;
    }

    public async Task<IActionResult> OnPostStartAsync(CancellationToken cancellationToken)
    {
        await twoFactor.StartAsync(await MeAsync(), cancellationToken);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var confirmed = await twoFactor.ConfirmAsync(me, Code, cancellationToken);
        if (!confirmed.Succeeded)
            return await ShowAsync(confirmed.Errors, cancellationToken);
        // Turning two-factor on gave the account a new security stamp; this session continues.
        await sessions.RefreshAsync(HttpContext, me);
        NewCodes = confirmed.Value!;
        Notice = "Two-factor authentication is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your authenticator. They are shown only now.";
        return await ShowAsync([], cancellationToken);
    }

    public async Task<IActionResult> OnPostNewCodesAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        if (!me.TwoFactorEnabled)
            return RedirectToPage();
        NewCodes = await twoFactor.NewRecoveryCodesAsync(me, cancellationToken);
        Notice = "Your new recovery codes, shown only now. The old ones no longer work.";
        return await ShowAsync([], cancellationToken);
    }

    public async Task<IActionResult> OnPostTurnOffAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        if (await policy.RequiresTwoFactorAsync(me, cancellationToken))
            return await ShowAsync([RequiredByPolicy], cancellationToken);
        var check = await passwordSignIn.CheckCurrentPasswordAsync(me, Password, cancellationToken);
        if (check != SignInStatus.Succeeded)
            return await ShowAsync([check == SignInStatus.LockedOut ? PasswordLocked : PasswordWrong], cancellationToken);
        var result = await twoFactor.DisableAsync(Actor.For(me), me.Id, cancellationToken);
        return result.Succeeded ? RedirectToPage(new { done = "off" }) : await ShowAsync(result.Errors, cancellationToken);
    }

    private async Task<PageResult> ShowAsync(IEnumerable<Error> errors, CancellationToken cancellationToken)
    {
        Errors.AddRange(errors);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Me = await MeAsync();
        CodesLeft = await twoFactor.RecoveryCodesLeftAsync(Me, cancellationToken);
        if (Me.TwoFactorEnabled || await twoFactor.PendingKeyAsync(Me, cancellationToken) is not { } key)
            return;
        ManualKey = string.Join(' ', Totp.ToBase32(key).Chunk(4).Select(c => new string(c)));
        var issuer = new Uri(links.Origin()).Host;
        using var data = new QRCodeGenerator().CreateQrCode(Totp.Uri($"Roster ({issuer})", Me.UserName ?? Me.Email ?? Me.Id.ToString(), key), QRCodeGenerator.ECCLevel.Q);
        QrCode = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    private async Task<User> MeAsync() => await users.GetUserAsync(User) ?? throw new InvalidOperationException("The signed-in account no longer exists.");
}
