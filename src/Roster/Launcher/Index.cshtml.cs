using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Accounts;

namespace Roster.Launcher;

/// <summary>An app the person may launch, with the roles they hold in it.</summary>
public sealed record Tile(Guid Id, string Name, string Description, string LaunchUrl, bool HasIcon, IReadOnlyList<string> Roles);

/// <summary>A tile for every app the signed-in person may launch, decided by <see cref="AppAccessPolicy"/>.</summary>
public sealed class IndexModel(RosterDb db, AppAccessPolicy access, CurrentActor current) : PageModel
{
    public string Name { get; private set; } = "";
    public List<Tile> Apps { get; private set; } = [];
    public string EmptyReason { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        var user = actor.User!;
        Name = $"{user.Name} ({user.UserName ?? user.Email})";
        Apps = await access.UsableBy(user).AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new Tile(a.Id, a.Name, a.Description, a.LaunchUrl, db.AppIcons.Any(i => i.AppId == a.Id),
                AppRoles.HeldBy(db, user.Id).Where(r => r.AppId == a.Id).OrderBy(r => r.Name).Select(r => r.Name).ToList()))
            .ToListAsync(cancellationToken);
        EmptyReason = await db.Apps.AnyAsync(cancellationToken)
            ? "No app is open to you yet. Apps can be limited to groups; ask an administrator to add you to the right group."
            : Permissions.IsAdmin(user.Role)
                ? "No apps are registered yet. Register the platform's apps on the Apps page and they appear here."
                : "No apps are registered yet. When an administrator registers the platform's apps, the ones open to you appear here.";
    }
}
