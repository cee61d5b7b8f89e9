using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.OidcProvider;

/// <summary>/apis: the registered APIs and registering one. Admins only, as on /api/v1/apis: who may have an API's scopes is a platform decision.</summary>
[Authorize(Policy = Permissions.Administer)]
public sealed class ApisModel(RosterDb db, ApiResources apis, CurrentActor current) : ApiPageModel
{
    public sealed record Row(Guid Id, string Name, string Identifier, IReadOnlyList<string> Scopes, int LifetimeSeconds, int Apps);

    public List<Row> Rows { get; private set; } = [];

    /// <summary>The API just registered and its introspection secret: in this one response only.</summary>
    public RegisteredApi? Registered { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        AccessTokenLifetimeSeconds = ApiResources.DefaultLifetimeSeconds.ToString();
        Notice = done == "deleted" ? "The API was deleted." : null;
        await LoadAsync(cancellationToken);
    }

    /// <summary>The secret is kept only as a hash, so the answer is this page, not a redirect to a GET, and is not cached.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Sent = "register";
        var result = await apis.RegisterWithSecretAsync(await current.GetAsync(), TypedSettings(Identifier), cancellationToken);
        if (!result.Succeeded)
            return await this.AnswerAsync(result, _ => Page(), Errors, async () =>
            {
                await LoadAsync(cancellationToken);
                return true;
            });
        Registered = result.Value;
        (Name, Identifier, Scopes, AccessTokenLifetimeSeconds) = (null, null, null, ApiResources.DefaultLifetimeSeconds.ToString());
        await LoadAsync(cancellationToken);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await db.ApiResources.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Identifier)
            .Select(a => new { a.Id, a.Name, a.Identifier, a.Scopes, a.AccessTokenLifetimeSeconds, Apps = db.ApiResourceAccess.Count(x => x.ApiId == a.Id) })
            .ToListAsync(cancellationToken);
        Rows = [.. rows.Select(a => new Row(a.Id, a.Name, a.Identifier, ApiResources.ScopeList(a.Scopes), a.AccessTokenLifetimeSeconds, a.Apps))];
    }
}
