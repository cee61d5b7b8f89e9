using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;
using Roster.MailDirectory;

namespace Roster.Users;

/// <summary>Bulk delete: one confirmation that names everyone who goes, and one answer for the mailboxes of all of them.</summary>
[Authorize(Policy = Permissions.ManageUsers)]
public sealed class DeleteModel(RosterDb db, UserChanges changes, MailQueries mail, CurrentActor current) : PageModel
{
    /// <summary>What becomes of the mailboxes of those deleted (<see cref="MailboxFateForm"/>).</summary>
    [BindProperty] public string? Mailboxes { get; set; }
    [BindProperty] public string? MailboxesTo { get; set; }

    public List<User> Deletable { get; } = [];
    public List<User> Refused { get; } = [];
    public List<string> Errors { get; } = [];

    /// <summary>The addresses of the mailboxes each person to delete owns, for those who may decide about mail.</summary>
    public Dictionary<Guid, List<string>> OwnedMailboxes { get; } = [];

    /// <summary>Whether anyone to delete owns a mailbox (a user manager is told, without the addresses, that they cannot delete them).</summary>
    public bool AnyMailboxes { get; private set; }
    public bool MayDecideMail { get; private set; }
    public List<string> MailboxErrors { get; } = [];

    public MailboxFateView MailboxFateView => new([.. OwnedMailboxes.Values.SelectMany(a => a)], Mailboxes, MailboxesTo, MailboxErrors);

    public async Task OnGetAsync(Guid[] ids, CancellationToken cancellationToken) => await LoadAsync(ids, cancellationToken);

    public async Task<IActionResult> OnPostAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await LoadAsync(ids, cancellationToken);
        var actor = await current.GetAsync();
        var (fate, choiceError) = MailboxFateForm.Read(Mailboxes, MailboxesTo);
        // Handing mailboxes to someone deleted in the same breath would lose them, or refuse half-way through.
        choiceError ??= fate?.HandOverTo is { } to && Deletable.FirstOrDefault(u => Names(u, to)) is { } leaving
            ? new Error("mail.hand_over_to_leaving", $"{leaving.Name} is being deleted too: hand the mailboxes over to someone who stays.", "Mailboxes")
            : null;
        if (choiceError is not null)
            return Refuse([choiceError]);
        var deleted = 0;
        var errors = new List<Error>();
        foreach (var user in Deletable)
        {
            var result = await changes.DeleteAsync(actor, user.Id, mailboxes: fate, cancellationToken: cancellationToken);
            if (result.Succeeded)
                deleted++;
            else
                errors.AddRange(result.Errors.Select(e => e with { Message = $"{user.Name}: {e.Message}" }));
        }
        if (errors.Count == 0)
            return Redirect($"/users?done=deleted&count={deleted}");
        await LoadAsync(ids, cancellationToken);
        return Refuse(errors);
    }

    private PageResult Refuse(IReadOnlyList<Error> errors)
    {
        Errors.AddRange(errors.Select(e => e.Message));
        MailboxErrors.AddRange(errors.Where(e => e.Field == "Mailboxes").Select(e => e.Message));
        return Page();
    }

    private static bool Names(User user, string name) =>
        string.Equals(user.UserName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(user.Email, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(user.Id.ToString(), name, StringComparison.OrdinalIgnoreCase);

    private async Task LoadAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        Deletable.Clear();
        Refused.Clear();
        OwnedMailboxes.Clear();
        var actor = await current.GetAsync();
        MayDecideMail = Permissions.MayManageMail(actor.Role);
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).OrderBy(u => u.Name).ToListAsync(cancellationToken);
        foreach (var user in users)
            (Permissions.MayEdit(actor, user) && !actor.IsSelf(user) ? Deletable : Refused).Add(user);
        foreach (var user in Deletable)
            if (await mail.MailboxesAsync(user.Id, cancellationToken) is { Count: > 0 } owned)
                OwnedMailboxes[user.Id] = [.. owned.Select(m => m.Address)];
        AnyMailboxes = OwnedMailboxes.Count > 0;
    }
}
