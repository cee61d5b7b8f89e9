using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Accounts;

namespace Roster.Groups;

public sealed record GroupRow(Guid Id, string Name, string Description, int Members);

public sealed class IndexModel(RosterDb db, GroupChanges changes, CurrentActor current) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }

    public List<GroupRow> Groups { get; private set; } = [];
    public bool MayManage { get; private set; }
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Notice = done == "deleted" ? "The group was deleted." : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await changes.CreateAsync(await current.GetAsync(), Name, Description, cancellationToken);
        return await this.AnswerAsync(result, group => Redirect($"/group/{group.Id}?done=created"), Errors, async () =>
        {
            await LoadAsync(cancellationToken);
            return true;
        });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        MayManage = Permissions.MayManageUsers((await current.GetAsync()).Role);
        Groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name)
            .Select(g => new GroupRow(g.Id, g.Name, g.Description, db.GroupMembers.Count(m => m.GroupId == g.Id)))
            .ToListAsync(cancellationToken);
    }
}
