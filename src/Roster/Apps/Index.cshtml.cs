using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Accounts;

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
        var result = settings.Succeeded ? await changes.RegisterAsync(await current.GetAsync(), settings.Value!, cancellationToken) : Result<App>.Fail(settings.Errors);
        return await this.AnswerAsync(result, app => Redirect($"/app/{app.Id}?done=registered"), Errors, async () =>
        {
            await LoadAsync(cancellationToken);
            return true;
        });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        MayRegister = Permissions.IsAdmin(actor.Role);
        Apps = await access.ConfigurableBy(actor).AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
        await LoadGroupsAsync(cancellationToken);
    }
}
