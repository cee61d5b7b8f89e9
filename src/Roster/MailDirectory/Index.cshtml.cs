using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>/mail: the mail domains (changed by admins), every mailbox and every mailing list, and the forms that make them.</summary>
[Authorize(Policy = Permissions.ManageMail)]
public sealed class IndexModel(RosterDb db, MailQueries queries, MailDomains domains, Mailboxes mailboxes, MailingLists lists, CurrentActor current)
    : MailPageModel
{
    [BindProperty] public string? DomainName { get; set; }
    [BindProperty] public Guid DomainId { get; set; }
    [BindProperty] public string? MailboxAddress { get; set; }
    [BindProperty] public string? MailboxPerson { get; set; }
    [BindProperty] public string? MailboxGroup { get; set; }
    [BindProperty] public string? MailboxAliases { get; set; }
    [BindProperty] public string? ListAddress { get; set; }
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string? ListDescription { get; set; }
    [BindProperty] public bool ListMembersOnly { get; set; }

    public List<MailDomainDto> Domains { get; private set; } = [];
    public List<MailboxDto> MailboxList { get; private set; } = [];
    public List<MailingListDto> Lists { get; private set; } = [];
    public List<string> GroupNames { get; private set; } = [];
    public bool IsAdmin { get; private set; }

    /// <summary>The domain an admin asked to remove, shown for a second, confirming click.</summary>
    public MailDomainDto? Removing { get; private set; }

    public async Task OnGetAsync(Guid? remove, string? done, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Removing = IsAdmin ? Domains.FirstOrDefault(d => d.Id == remove) : null;
        Notice = done switch
        {
            "domain-added" => "The mail domain was added.",
            "domain-removed" => "The mail domain was removed.",
            "mailbox-deleted" => "The mailbox was deleted.",
            "list-deleted" => "The mailing list was deleted.",
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAddDomainAsync(CancellationToken cancellationToken) =>
        await AnswerAsync("domain", await domains.AddAsync(await current.GetAsync(), DomainName, cancellationToken), _ => Redirect("/mail?done=domain-added"), cancellationToken);

    public async Task<IActionResult> OnPostRemoveDomainAsync(CancellationToken cancellationToken) =>
        await AnswerAsync("remove-domain", await domains.RemoveAsync(await current.GetAsync(), DomainId, cancellationToken), _ => Redirect("/mail?done=domain-removed"), cancellationToken);

    public async Task<IActionResult> OnPostCreateMailboxAsync(CancellationToken cancellationToken)
    {
        var result = await mailboxes.CreateAsync(await current.GetAsync(), MailboxAddress, MailboxPerson, MailboxGroup, ListMembers.Split(MailboxAliases), cancellationToken);
        return await AnswerAsync("mailbox", result, mailbox => Redirect($"/mail/mailbox/{mailbox.Id}?done=created"), cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateListAsync(CancellationToken cancellationToken)
    {
        var result = await lists.CreateAsync(await current.GetAsync(), ListAddress, ListDescription, ListMembersOnly, cancellationToken: cancellationToken);
        return await AnswerAsync("list", result, list => Redirect($"/mail/list/{list.Id}?done=created"), cancellationToken);
    }

    private Task<IActionResult> AnswerAsync<T>(string form, Result<T> result, Func<T, IActionResult> success, CancellationToken cancellationToken)
    {
        Sent = form;
        return this.AnswerAsync(result, success, Errors, async () =>
        {
            await LoadAsync(cancellationToken);
            return true;
        });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        IsAdmin = Permissions.IsAdmin((await current.GetAsync()).Role);
        Domains = await queries.DomainsAsync(cancellationToken);
        MailboxList = await queries.MailboxesAsync(null, cancellationToken);
        Lists = await queries.ListsAsync(cancellationToken);
        GroupNames = await db.Groups.AsNoTracking().OrderBy(g => g.Name).Select(g => g.Name).ToListAsync(cancellationToken);
    }
}
