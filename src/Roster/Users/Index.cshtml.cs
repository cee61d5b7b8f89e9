using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.Users;

public sealed class IndexModel(UserList list, CurrentActor current) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public UserStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public UserSort Sort { get; set; }
    /// <summary>From "?page=", read by hand: Razor Pages keeps the "page" route value for the page's own name.</summary>
    public int PageNumber => int.TryParse(Request.Query["page"], out var number) && number > 0 ? number : 1;
    [BindProperty(SupportsGet = true)] public int? PageSize { get; set; }

    public UserPage Result { get; private set; } = new([], 1, 1, 0, false);
    public bool MayManage { get; private set; }
    public string? Notice { get; private set; }
    private Actor viewer = Actor.Anonymous;

    public async Task OnGetAsync(string? done, int? count, CancellationToken cancellationToken)
    {
        viewer = await current.GetAsync();
        MayManage = Permissions.MayManageUsers(viewer.Role);
        Result = await list.QueryAsync(viewer, new UserQuery(Q, Sort, Status, PageNumber, PageSize), cancellationToken);
        Notice = done switch
        {
            "deleted" => count == 1 ? "1 user was deleted." : $"{count ?? 0} users were deleted.",
            "revoked" => "The invitation was withdrawn and the account removed.",
            "imported" => count == 1 ? "1 user was imported." : $"{count ?? 0} users were imported.",
            _ => null,
        };
    }

    /// <summary>Nobody selects themself for deletion, nor people they may not edit.</summary>
    public bool MaySelect(UserRow row) => row.Id != viewer.User?.Id && Permissions.MayEdit(viewer, row.Role);

    public string PageLink(int page) => "/users" + QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = Q, ["status"] = Status?.ToString(), ["sort"] = Sort.ToString(), ["page"] = page.ToString(), ["pageSize"] = PageSize?.ToString(),
    }.Where(p => !string.IsNullOrEmpty(p.Value)));
}
