using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Groups;

public sealed class DetailModel(RosterDb db, GroupChanges changes, IGroupAccessRules accessRules, CurrentActor current) : PageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Add { get; set; }
    [BindProperty] public string? ConfirmName { get; set; }
    [BindProperty] public Guid[] Selected { get; set; } = [];

    public Group Group { get; private set; } = new();
    public List<User> Members { get; private set; } = [];
    public List<string> Apps { get; private set; } = [];
    public bool MayManage { get; private set; }
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, fillForm: true, cancellationToken))
            return NotFound();
        Notice = done switch
        {
            "created" => "The group was created.",
            "saved" => "The group was saved.",
            "added" => "The members were added.",
            "removed" => "The members were removed.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.UpdateAsync(await current.GetAsync(), id, Name, Description, cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.AddMembersAsync(await current.GetAsync(), id, (Add ?? "").Split([',', '\n', '\r', ';', ' ']), cancellationToken), "added", cancellationToken);

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await changes.RemoveMembersAsync(await current.GetAsync(), id, Selected, cancellationToken), "removed", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var result = await changes.DeleteAsync(await current.GetAsync(), id, ConfirmName ?? "", cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/groups?done=deleted"), Errors, () => LoadAsync(id, fillForm: false, cancellationToken));
    }

    private Task<IActionResult> AfterAsync(Guid id, Result<Group> result, string done, CancellationToken cancellationToken) =>
        this.AnswerAsync(result, _ => Redirect($"/group/{id}?done={done}"), Errors, () => LoadAsync(id, fillForm: false, cancellationToken));

    private async Task<bool> LoadAsync(Guid id, bool fillForm, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null)
            return false;
        Group = group;
        MayManage = Permissions.MayManageUsers((await current.GetAsync()).Role);
        Members = await db.GroupMembers.Where(m => m.GroupId == id).Join(db.Users, m => m.UserId, u => u.Id, (_, u) => u)
            .AsNoTracking().OrderBy(u => u.Name).ToListAsync(cancellationToken);
        Apps = [.. await accessRules.AppNamesAsync(id, cancellationToken)];
        if (fillForm)
        {
            Name = group.Name;
            Description = group.Description;
        }
        return true;
    }
}
