using Microsoft.AspNetCore.Mvc;
using Roster.Accounts;

namespace Roster.Users;

// /account's app passwords (Accounts/AppPasswords.cs): made, shown once, listed and revoked here; markup in _AppPasswords.cshtml.
public sealed partial class AccountModel
{
    [BindProperty] public string AppPasswordName { get; set; } = "";
    [BindProperty] public Guid? AppPasswordApp { get; set; }
    [BindProperty] public Guid AppPasswordId { get; set; }

    public IReadOnlyList<AppPasswordView> AppPasswordList { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> AppPasswordChoices { get; private set; } = [];

    /// <summary>Whether the person's own password is refused over LDAP, so they need app passwords there.</summary>
    public bool AppPasswordsOnly { get; private set; }

    /// <summary>The secret of the app password just made, for this response only.</summary>
    public string? NewAppPassword { get; private set; }

    public async Task<IActionResult> OnPostCreateAppPasswordAsync([FromServices] AppPasswords appPasswords, CancellationToken cancellationToken)
    {
        var result = await appPasswords.CreateAsync(await MeAsync(), AppPasswordName, AppPasswordApp, cancellationToken);
        if (!result.Succeeded)
            return await ShowAsync(result.Errors, cancellationToken);
        await LoadAsync(fillForm: true, cancellationToken);
        NewAppPassword = result.Value;
        (AppPasswordName, AppPasswordApp) = ("", null);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAppPasswordAsync([FromServices] AppPasswords appPasswords, CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var result = await appPasswords.RevokeAsync(Actor.For(me), me.Id, AppPasswordId, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/account?done=app-password-revoked"), Errors, async () =>
        {
            await LoadAsync(fillForm: false, cancellationToken);
            return true;
        });
    }

    private async Task LoadAppPasswordsAsync(AppPasswords appPasswords, CancellationToken cancellationToken)
    {
        AppPasswordList = await appPasswords.ListAsync(Actor.For(Me), Me, cancellationToken) ?? [];
        AppPasswordChoices = await appPasswords.ChoicesAsync(Me, cancellationToken);
        AppPasswordsOnly = await appPasswords.OnlyWayOverLdapAsync(Me, cancellationToken);
    }
}
