using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>/mail/mailbox/&lt;id&gt;: its address and enabled flag, its aliases, who owns it, and deleting it by typing its address.</summary>
[Authorize(Policy = Permissions.ManageMail)]
public sealed class MailboxDetailModel(RosterDb db, MailQueries queries, Mailboxes mailboxes, CurrentActor current) : MailPageModel
{
    /// <summary>Null when the form does not send it (no change); empty when it was cleared (refused).</summary>
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string? Address { get; set; }
    [BindProperty] public bool? Enabled { get; set; }
    [BindProperty] public string? Alias { get; set; }
    [BindProperty] public string? Person { get; set; }
    [BindProperty] public string? Group { get; set; }
    [BindProperty] public string? ConfirmAddress { get; set; }

    public MailboxDto Mailbox { get; private set; } = null!;

    /// <summary>False for a mailbox of someone who ranks above the actor (an admin's, for a mail manager): shown, not changed.</summary>
    public bool MayManage { get; private set; }
    public List<string> GroupNames { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
            return NotFound();
        Notice = done switch
        {
            "created" => "The mailbox was created.",
            "saved" => "The mailbox was saved.",
            "alias-added" => "The alias was added.",
            "alias-removed" => "The alias was removed.",
            "handed-over" => $"The mailbox now belongs to {Mailbox.OwnerName}.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "save", await mailboxes.UpdateAsync(await current.GetAsync(), id, Address, Enabled, cancellationToken), "saved", cancellationToken);

    public async Task<IActionResult> OnPostAddAliasAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "alias", await mailboxes.AddAliasAsync(await current.GetAsync(), id, Alias, cancellationToken), "alias-added", cancellationToken);

    public async Task<IActionResult> OnPostRemoveAliasAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "remove-alias", await mailboxes.RemoveAliasAsync(await current.GetAsync(), id, Alias, cancellationToken), "alias-removed", cancellationToken);

    public async Task<IActionResult> OnPostHandOverAsync(Guid id, CancellationToken cancellationToken) =>
        await AnswerAsync(id, "hand-over", await mailboxes.HandOverAsync(await current.GetAsync(), id, Person, Group, cancellationToken), "handed-over", cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        Sent = "delete";
        if (!await LoadAsync(id, cancellationToken))
            return NotFound();
        // The typed address is this page's confirmation, so a refusal of the actor comes first, as the service's would.
        if (!MayManage)
            return Forbid();
        if (!string.Equals(ConfirmAddress?.Trim(), Mailbox.Address, StringComparison.OrdinalIgnoreCase))
            return await AnswerAsync(id, "delete",
                new Error("confirm.mismatch", $"Type the address {Mailbox.Address} exactly to confirm.", "ConfirmAddress"), "", cancellationToken);
        var result = await mailboxes.DeleteAsync(await current.GetAsync(), id, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/mail?done=mailbox-deleted"), Errors, () => LoadAsync(id, cancellationToken));
    }

    private Task<IActionResult> AnswerAsync(Guid id, string form, Result<Mailbox> result, string done, CancellationToken cancellationToken)
    {
        Sent = form;
        return this.AnswerAsync(result, _ => Redirect($"/mail/mailbox/{id}?done={done}"), Errors, () => LoadAsync(id, cancellationToken));
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        if (await queries.MailboxAsync(id, cancellationToken) is not { } mailbox)
            return false;
        Mailbox = mailbox;
        var actor = await current.GetAsync();
        var ownerRole = mailbox.OwnerKind == "person"
            ? await db.Users.AsNoTracking().Where(u => u.Id == mailbox.OwnerId).Select(u => (Role?)u.Role).SingleOrDefaultAsync(cancellationToken)
            : null;
        MayManage = Permissions.MayManageMail(actor.Role) && (ownerRole is not { } role || Permissions.MayEdit(actor, role));
        GroupNames = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);
        // What was typed stays; a form that did not send these shows them as stored.
        Address ??= mailbox.Address;
        Enabled ??= mailbox.Enabled;
        return true;
    }
}
