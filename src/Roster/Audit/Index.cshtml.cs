using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;

namespace Roster.Audit;

[Authorize(Policy = Permissions.Administer)]
public sealed class IndexModel(AuditQuery query) : PageModel
{
    private const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public string? Target { get; set; }
    [BindProperty(SupportsGet = true)] public string? Action { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    /// <summary>From "?page=", read by hand: Razor Pages keeps the "page" route value for the page's own name.</summary>
    public int PageNumber => int.TryParse(Request.Query["page"], out var number) && number > 0 ? number : 1;

    public List<AuditEvent> Events { get; private set; } = [];
    public bool HasMore { get; private set; }
    public AuditFilter Filter => new(Actor, Target, Action, From, To);
    public string FilterQuery => AuditSetup.QueryOf(Filter);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var rows = await query.Apply(Filter).Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancellationToken);
        HasMore = rows.Count > PageSize;
        Events = rows.Take(PageSize).ToList();
    }
}
