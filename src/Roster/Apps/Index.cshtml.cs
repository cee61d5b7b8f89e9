using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Users;

namespace Roster.Apps;

/// <summary>Admins see and register every app; an app operator sees the apps they configure.</summary>
public sealed class IndexModel(RosterDb db, AppChanges changes, AppAccessPolicy access, CurrentActor current) : AppFormModel(db)
{
    public List<App> Apps { get; private set; } = [];
    public bool MayRegister { get; private set; }
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Notice = done == "deleted" ? "The app was deleted." : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(cancellationToken);
        var result = settings.Succeeded ? await changes.RegisterAsync(await current.GetAsync(), settings.Value!, cancellationToken) : Roster.Hosting.Result<App>.Fail(settings.Errors);
        if (result.Succeeded)
            return Redirect($"/app/{result.Value!.Id}?done=registered");
        if (result.Errors.Any(e => e.Code == UserErrors.Forbidden.Code))
            return Forbid();
        Errors.AddRange(result.Errors);
        await LoadAsync(cancellationToken);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        MayRegister = Permissions.IsAdmin(actor.Role);
        Apps = await access.ConfigurableBy(actor).AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
        await LoadGroupsAsync(cancellationToken);
    }
}
