using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Accounts;

namespace Roster.Apps;

/// <summary>One app's settings: admins and this app's operators.</summary>
public sealed partial class DetailModel(
    RosterDb db, AppChanges changes, AppSignOn signOn, AppGrantSettings grantSettings, AppRoles roles, AppAccessPolicy access, CurrentActor current, Roster.Oidc.OidcIssuer issuer)
    : AppFormModel(db)
{
    /// <summary>What the app's administrator types into its OpenID Connect settings.</summary>
    public string Issuer => issuer.Value;

    [BindProperty] public string? Operators { get; set; }
    [BindProperty] public string? RedirectUris { get; set; }
    [BindProperty] public string? PostLogoutRedirectUris { get; set; }
    [BindProperty] public string? BackChannelLogoutUri { get; set; }
    [BindProperty] public string? TokenSigningAlgorithm { get; set; }
    [BindProperty] public string? ApiScopes { get; set; }
    [BindProperty] public bool RequirePkce { get; set; }
    [BindProperty] public bool RequireConsent { get; set; }
    [BindProperty] public string? ConfirmName { get; set; }
    [BindProperty] public bool AllowDeviceGrant { get; set; }
    [BindProperty] public bool OfflineAccess { get; set; }
    [BindProperty] public bool AlwaysIssueRefreshTokens { get; set; }

    public string? NewSecret { get; private set; }
    public string? NewLdapPassword { get; private set; }

    public App App { get; private set; } = new();
    public bool IsAdmin { get; private set; }
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, fillForm: true, cancellationToken) is { } refusal)
            return refusal;
        Notice = done switch
        {
            "registered" => "The app was registered.",
            "saved" => "The app was saved.",
            "operators" => "The operators were saved.",
            "sign-on" => "The sign-on settings were saved.",
            "consent" => "The consent setting was saved.",
            "device-grant" => "The device setting was saved.",
            "role-defined" => "The role was added. Give it to groups or people below.",
            "role-given" => "The role was given. It reaches the app at the holder's next sign-in.",
            "role-taken" => "The role was taken back. The app sees it at the holder's next sign-in.",
            "role-deleted" => "The role was deleted, and taken from everyone who held it.",
            "refresh-tokens" => "The refresh-token settings were saved.",
            "public" => "The client secret was removed: the app is now a public client and must use PKCE.",
            "ldap-removed" => "The LDAP service account was removed: its binds now fail.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(cancellationToken);
        var result = settings.Succeeded ? await changes.UpdateAsync(await current.GetAsync(), id, settings.Value!, cancellationToken) : Result<App>.Fail(settings.Errors);
        return await AfterAsync(id, result, "saved", cancellationToken);
    }

    public async Task<IActionResult> OnPostOperatorsAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.SetOperatorsAsync(await current.GetAsync(), id, (Operators ?? "").Split([',', '\n', '\r', ';', ' ']), cancellationToken), "operators", cancellationToken);

    public async Task<IActionResult> OnPostSignOnAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await signOn.UpdateAsync(await current.GetAsync(), id, new SignOnSettings(RedirectUris, PostLogoutRedirectUris, BackChannelLogoutUri, TokenSigningAlgorithm,
            AppSignOn.SplitApiScopes(ApiScopes), RequirePkce), cancellationToken), "sign-on", cancellationToken);

    public async Task<IActionResult> OnPostConsentAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await grantSettings.SetConsentAsync(await current.GetAsync(), id, RequireConsent, cancellationToken), "consent", cancellationToken);

    public async Task<IActionResult> OnPostDeviceGrantAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await grantSettings.SetDeviceGrantAsync(await current.GetAsync(), id, AllowDeviceGrant, cancellationToken), "device-grant", cancellationToken);

    public async Task<IActionResult> OnPostRefreshTokensAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await grantSettings.SetRefreshTokensAsync(await current.GetAsync(), id, new RefreshTokenSettings(OfflineAccess, AlwaysIssueRefreshTokens), cancellationToken),
            "refresh-tokens", cancellationToken);

    public async Task<IActionResult> OnPostRemoveSecretAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await signOn.RemoveSecretAsync(await current.GetAsync(), id, cancellationToken), "public", cancellationToken);

    /// <summary>The secret is shown in this response only and kept as a hash, so it is not redirected to a GET.</summary>
    public async Task<IActionResult> OnPostNewSecretAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowOnceAsync(id, await signOn.NewSecretAsync(await current.GetAsync(), id, cancellationToken), secret => NewSecret = secret, cancellationToken);

    public async Task<IActionResult> OnPostNewLdapPasswordAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowOnceAsync(id, await signOn.NewLdapPasswordAsync(await current.GetAsync(), id, cancellationToken), password => NewLdapPassword = password, cancellationToken);

    public async Task<IActionResult> OnPostRemoveLdapPasswordAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await signOn.RemoveLdapPasswordAsync(await current.GetAsync(), id, cancellationToken), "ldap-removed", cancellationToken);

    private async Task<IActionResult> ShowOnceAsync(Guid id, Result<string> result, Action<string> show, CancellationToken cancellationToken)
    {
        if (!result.Succeeded)
            return await this.AnswerAsync(result, _ => Page(), Errors, async () => await LoadAsync(id, fillForm: true, cancellationToken) is null);
        if (await LoadAsync(id, fillForm: true, cancellationToken) is { } refusal)
            return refusal;
        show(result.Value!);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await changes.DeleteAsync(await current.GetAsync(), id, ConfirmName ?? "", cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/apps?done=deleted"), Errors, async () => await LoadAsync(id, fillForm: false, cancellationToken) is null);
    }

    private Task<IActionResult> AfterAsync<T>(Guid id, Result<T> result, string done, CancellationToken cancellationToken) =>
        this.AnswerAsync(result, _ => Redirect($"/app/{id}?done={done}"), Errors, async () => await LoadAsync(id, fillForm: false, cancellationToken) is null);

    private async Task<IActionResult?> LoadAsync(Guid id, bool fillForm, CancellationToken cancellationToken)
    {
        Db.ChangeTracker.Clear();
        var app = await Db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (app is null)
            return NotFound();
        var actor = await current.GetAsync();
        if (!await access.MayConfigureAsync(actor, id, cancellationToken))
            return Forbid();
        App = app;
        IsAdmin = Permissions.IsAdmin(actor.Role);
        HasIcon = await Db.AppIcons.AnyAsync(i => i.AppId == id, cancellationToken);
        await LoadGroupsAsync(cancellationToken);
        Roles = (await roles.ListAsync(actor, id, cancellationToken)).Value ?? [];
        if (fillForm)
        {
            Name = app.Name;
            LaunchUrl = app.LaunchUrl;
            Description = app.Description;
            DirectoryMode = app.DirectoryMode;
            Access = app.Access;
            Groups = await Db.AppGroups.Where(a => a.AppId == id).Select(a => a.GroupId).ToListAsync(cancellationToken);
            RedirectUris = app.RedirectUris;
            PostLogoutRedirectUris = app.PostLogoutRedirectUris;
            BackChannelLogoutUri = app.BackChannelLogoutUri;
            TokenSigningAlgorithm = app.TokenSigningAlgorithm;
            ApiScopes = string.Join('\n', AppSignOn.ApiScopeList(app.ApiScopes));
            RequirePkce = app.RequirePkce;
            Operators = string.Join(", ", await Db.AppOperators.Where(o => o.AppId == id)
                .Join(Db.Users, o => o.UserId, u => u.Id, (_, u) => u.UserName ?? u.Email).ToListAsync(cancellationToken));
        }
        return null;
    }
}
