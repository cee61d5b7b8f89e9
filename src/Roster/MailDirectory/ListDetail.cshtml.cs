using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>/mail/list/&lt;id&gt;: description and who may post, the members (people, groups, outside addresses), and deleting by typing its address.</summary>
[Authorize(Policy = Permissions.ManageMail)]
public sealed class ListDetailModel(RosterDb db, MailQueries queries, MailingLists lists, CurrentActor current) : MailPageModel
{
    /// <summary>Null when the form does not send it (no change); empty when it was cleared.</summary>
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string? Description { get; set; }
    [BindProperty] public bool? MembersOnly { get; set; }
    [BindProperty] public string? People { get; set; }
    [BindProperty] public string? Groups { get; set; }
    [BindProperty] public string? Addresses { get; set; }
    [BindProperty] public Guid MemberId { get; set; }
    [BindProperty] public string? ConfirmAddress { get; set; }

    public MailingListDetailDto List { get; private set; } = null!;
    public List<string> GroupNames { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
            return NotFound();
        Notice = done switch
        {
            "created" => "The mailing list was created. Add its members below.",
            "saved" => "The mailing list was saved.",
            "added" => "The members were added.",
            "removed" => "The member was removed.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "save", await lists.UpdateAsync(await current.GetAsync(), id, Description, MembersOnly, cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostAddMembersAsync(Guid id, CancellationToken cancellationToken)
    {
        var members = ListMembers.From(ListMembers.Split(People), ListMembers.Split(Groups), ListMembers.Split(Addresses));
        return await AnswerAsync(id, "add", await lists.AddMembersAsync(await current.GetAsync(), id, members, cancellationToken), "added", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "remove", await lists.RemoveMemberAsync(await current.GetAsync(), id, MemberId, cancellationToken), "removed", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "delete";
        if (!await LoadAsync(id, cancellationToken))
            return NotFound();
        // The typed address is this page's confirmation, so a refusal of the actor comes first, as the service's would.
        if (!Permissions.MayManageMail((await current.GetAsync()).Role))
            return Forbid();
        if (!string.Equals(ConfirmAddress?.Trim(), List.Address, StringComparison.OrdinalIgnoreCase))
            return await AnswerAsync(id, "delete",
                new Error("confirm.mismatch", $"Type the address {List.Address} exactly to confirm.", "ConfirmAddress"), "", cancellationToken);
        var result = await lists.DeleteAsync(await current.GetAsync(), id, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/mail?done=list-deleted"), Errors, () => LoadAsync(id, cancellationToken));
    }

    private Task<IActionResult> AnswerAsync(Guid id, string form, Result<MailingList> result, string done, CancellationToken cancellationToken)
    {
        Sent = form;
        return this.AnswerAsync(result, _ => Redirect($"/mail/list/{id}?done={done}"), Errors, () => LoadAsync(id, cancellationToken));
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        if (await queries.ListAsync(id, cancellationToken) is not { } list)
            return false;
        List = list;
        GroupNames = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);
        // What was typed stays; a form that did not send these shows them as stored.
        Description ??= list.Description;
        MembersOnly ??= list.MembersOnly;
        return true;
    }
}
