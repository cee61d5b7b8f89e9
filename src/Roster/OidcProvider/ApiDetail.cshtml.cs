using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;

namespace Roster.OidcProvider;

/// <summary>/apis/{id}: one API's settings, its introspection secret, which apps may request which of its scopes, and deleting it. Admins only.</summary>
[Authorize(Policy = Permissions.Administer)]
public sealed class ApiDetailModel(RosterDb db, ApiResources apis, CurrentActor current, Roster.Oidc.OidcIssuer issuer) : ApiPageModel
{
    public sealed record Access(Guid AppId, string AppName, IReadOnlyList<string> Scopes);

    public sealed record AppChoice(Guid Id, string Name);

    /// <summary>The app whose access the Allow and Remove forms change.</summary>
    [BindProperty] public Guid? AppId { get; set; }

    /// <summary>The scopes ticked for that app.</summary>
    [BindProperty] public List<string> AccessScopes { get; set; } = [];

    /// <summary>The API's name, typed again to confirm deleting it.</summary>
    [BindProperty] public string? ConfirmName { get; set; }

    public ApiResource Api { get; private set; } = new();
    public IReadOnlyList<string> ApiScopes => ApiResources.ScopeList(Api.Scopes);
    public List<Access> Allowed { get; private set; } = [];

    /// <summary>Apps that sign people in with Roster and may not use this API yet: only those can be given its scopes.</summary>
    public List<AppChoice> OtherApps { get; private set; } = [];

    public string? NewSecret { get; private set; }
    public string IntrospectionEndpoint => issuer.Value + Roster.Oidc.OidcPaths.Introspection;

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, fillForm: true, cancellationToken))
            return NotFound();
        Notice = done switch
        {
            "saved" => "The API was saved.",
            "allowed" => "The app's scopes were saved.",
            "removed" => "The app may no longer request this API's scopes.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "settings";
        // The identifier is fixed once registered (tokens already carry it as aud), so it is not read from the form.
        var result = await apis.UpdateAsync(await current.GetAsync(), id, TypedSettings(identifier: null), cancellationToken);
        return await AfterAsync(id, result, "saved", cancellationToken);
    }

    /// <summary>The secret is kept only as a hash, so it is shown in this response, not redirected to a GET, and not cached.</summary>
    public async Task<IActionResult> OnPostNewSecretAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await apis.NewSecretAsync(await current.GetAsync(), id, cancellationToken);
        if (!result.Succeeded)
            return await this.AnswerAsync(result, _ => Page(), Errors, () => LoadAsync(id, fillForm: true, cancellationToken));
        if (!await LoadAsync(id, fillForm: true, cancellationToken))
            return NotFound();
        NewSecret = result.Value;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>Gives an app that may not use the API yet the ticked scopes.</summary>
    public Task<IActionResult> OnPostAddAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "add";
        return AllowAsync(id, cancellationToken);
    }

    /// <summary>Changes the scopes of an app that may use the API.</summary>
    public Task<IActionResult> OnPostAllowAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "app-" + AppId;
        return AllowAsync(id, cancellationToken);
    }

    /// <summary>Ticking no scope is refused rather than taken as "remove": taking access away is its own button.</summary>
    private async Task<IActionResult> AllowAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = AppId is null ? new Error("api.app", "Choose an app.", "AppId")
            : AccessScopes.Count == 0 ? new Error("api.access_scopes", "Tick at least one scope; to take the API from the app, remove its access.", "AccessScopes")
            : await apis.AllowAsync(await current.GetAsync(), id, AppId.Value, AccessScopes, cancellationToken);
        return await AfterAsync(id, result, "allowed", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "app-" + AppId;
        var result = AppId is null ? AppErrors.NotFound : await apis.AllowAsync(await current.GetAsync(), id, AppId.Value, [], cancellationToken);
        return await AfterAsync(id, result, "removed", cancellationToken);
    }

    /// <summary>Irreversible, so the admin types the API's name; anything else deletes nothing.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "delete";
        var typed = ConfirmName?.Trim();
        var stored = await db.ApiResources.AsNoTracking().Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken);
        var result = stored is not null && typed != stored
            ? new Error("api.confirm", $"Type the API's name, {stored}, to delete it.", "ConfirmName")
            : await apis.DeleteAsync(await current.GetAsync(), id, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/apis?done=deleted"), Errors, () => LoadAsync(id, fillForm: true, cancellationToken));
    }

    private Task<IActionResult> AfterAsync(Guid id, Result<ApiResource> result, string done, CancellationToken cancellationToken) =>
        this.AnswerAsync(result, _ => Redirect($"/apis/{id}?done={done}"), Errors, () => LoadAsync(id, fillForm: Sent != "settings", cancellationToken));

    /// <summary>Reads the API and its apps; <paramref name="fillForm"/> puts the stored settings in the settings form (not when it was refused: it keeps what was typed).</summary>
    private async Task<bool> LoadAsync(Guid id, bool fillForm, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        if (await db.ApiResources.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } api)
            return false;
        Api = api;
        var access = await db.ApiResourceAccess.AsNoTracking().Where(a => a.ApiId == id)
            .Join(db.Apps, a => a.AppId, p => p.Id, (a, p) => new { a.AppId, p.Name, a.Scopes })
            .ToListAsync(cancellationToken);
        Allowed = [.. access.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).Select(a => new Access(a.AppId, a.Name, ApiResources.ScopeList(a.Scopes)))];
        var allowedIds = access.Select(a => a.AppId).ToList();
        var others = await db.Apps.AsNoTracking().Where(p => p.DirectoryMode == DirectoryMode.UseRoster && !allowedIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken);
        OtherApps = [.. others.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).Select(a => new AppChoice(a.Id, a.Name))];
        if (fillForm)
        {
            Name = api.Name;
            Scopes = string.Join('\n', ApiScopes);
            AccessTokenLifetimeSeconds = api.AccessTokenLifetimeSeconds.ToString();
        }
        return true;
    }

    /// <summary>Whether a scope's box is ticked for an app: as sent when that app's form was refused, otherwise as stored.</summary>
    public bool Ticked(string form, IReadOnlyList<string> stored, string scope) =>
        Sent == form ? AccessScopes.Contains(scope) : stored.Contains(scope);
}
