using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Groups;
using Roster.Accounts;

namespace Roster.Apps;

/// <summary>The app settings form, shared by registering (/apps) and configuring (/app/{id}).</summary>
[RequestSizeLimit(Avatars.MaxBytes * 2)]
public abstract class AppFormModel(RosterDb db) : PageModel
{
    protected RosterDb Db { get; } = db;

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? LaunchUrl { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public DirectoryMode DirectoryMode { get; set; }
    [BindProperty] public AppAccess Access { get; set; }
    [BindProperty] public List<Guid> Groups { get; set; } = [];
    [BindProperty] public IFormFile? Icon { get; set; }
    [BindProperty] public bool RemoveIcon { get; set; }

    public List<Group> AllGroups { get; private set; } = [];
    public bool HasIcon { get; protected set; }
    public List<Error> Errors { get; } = [];

    protected async Task LoadGroupsAsync(CancellationToken cancellationToken) =>
        AllGroups = await Db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);

    /// <summary>The posted form as settings, or the icon's refusal.</summary>
    protected async Task<Result<AppSettings>> SettingsAsync(CancellationToken cancellationToken)
    {
        var icon = await Avatars.ReadAsync(Icon, cancellationToken, field: "Icon");
        return icon.Succeeded
            ? Result<AppSettings>.Ok(new AppSettings(Name, LaunchUrl, Description, DirectoryMode, Access, Groups, icon.Value, RemoveIcon))
            : Result<AppSettings>.Fail(icon.Errors);
    }
}
