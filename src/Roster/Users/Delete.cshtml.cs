using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Users;

/// <summary>Bulk delete: one confirmation that names everyone who goes.</summary>
[Authorize(Policy = Permissions.ManageUsers)]
public sealed class DeleteModel(RosterDb db, UserChanges changes, CurrentActor current) : PageModel
{
    public List<User> Deletable { get; } = [];
    public List<User> Refused { get; } = [];
    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(Guid[] ids, CancellationToken cancellationToken) => await LoadAsync(ids, cancellationToken);

    public async Task<IActionResult> OnPostAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await LoadAsync(ids, cancellationToken);
        var actor = await current.GetAsync();
        var deleted = 0;
        foreach (var user in Deletable)
        {
            var result = await changes.DeleteAsync(actor, user.Id, cancellationToken: cancellationToken);
            if (result.Succeeded)
                deleted++;
            else
                Errors.AddRange(result.Errors.Select(e => $"{user.Name}: {e.Message}"));
        }
        if (Errors.Count == 0)
            return Redirect($"/users?done=deleted&count={deleted}");
        await LoadAsync(ids, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        Deletable.Clear();
        Refused.Clear();
        var actor = await current.GetAsync();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).OrderBy(u => u.Name).ToListAsync(cancellationToken);
        foreach (var user in users)
            (Permissions.MayEdit(actor, user) && !actor.IsSelf(user) ? Deletable : Refused).Add(user);
    }
}
