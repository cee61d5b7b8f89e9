using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.Provisioning;

/// <summary>
/// The SCIM section of /app/{id} posts here: save the settings, or sync now. A refused form is shown again here with
/// what was typed (never the token); a success goes back to the app's page. Admins and the app's operators.
/// </summary>
public sealed class ScimModel(ScimSettings scim, CurrentActor current) : PageModel
{
    [BindProperty] public bool ScimEnabled { get; set; }
    [BindProperty] public string? ScimUrl { get; set; }
    [BindProperty] public string? ScimToken { get; set; }
    [BindProperty] public bool ScimRemoveToken { get; set; }
    [BindProperty] public Deprovisioning ScimDeprovision { get; set; }

    public Guid AppId { get; private set; }
    public List<Error> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        AppId = id;
        var status = await scim.StatusAsync(await current.GetAsync(), id, cancellationToken);
        return await this.AnswerAsync(status, _ => Page(), Errors, () => Task.FromResult(true));
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken)
    {
        AppId = id;
        var result = await scim.UpdateAsync(await current.GetAsync(), id,
            new ScimSettingsRequest(ScimEnabled, ScimUrl, ScimToken, ScimRemoveToken, ScimDeprovision), cancellationToken);
        ScimToken = null;
        return await this.AnswerAsync(result, _ => Redirect($"/app/{id}?scim=saved#scim-heading"), Errors, () => Task.FromResult(true));
    }

    public async Task<IActionResult> OnPostSyncAsync(Guid id, CancellationToken cancellationToken)
    {
        AppId = id;
        var result = await scim.SyncNowAsync(await current.GetAsync(), id, cancellationToken);
        if (!result.Succeeded)
        {
            var stored = await scim.StatusAsync(await current.GetAsync(), id, cancellationToken);
            if (stored.Succeeded)
                (ScimEnabled, ScimUrl, ScimDeprovision) = (stored.Value!.Enabled, stored.Value.BaseUrl, stored.Value.Deprovision);
        }
        return await this.AnswerAsync(result, _ => Redirect($"/app/{id}?scim=sync#scim-heading"), Errors, () => Task.FromResult(true));
    }

    /// <summary>The form as typed after a refusal; on a plain visit, null (the partial shows what is stored).</summary>
    public ScimForm? Typed => Errors.Count == 0 ? null : new ScimForm(AppId, ScimEnabled, ScimUrl ?? "", ScimDeprovision, Errors);
}
