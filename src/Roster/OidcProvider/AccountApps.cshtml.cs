using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.OidcProvider;

/// <summary>/account/apps: the apps the person allowed something or that stay signed in while they are away, each revocable.</summary>
public sealed class AccountAppsModel(UserManager<User> users, Consents consents) : PageModel
{
    public IReadOnlyList<AllowedApp> Apps { get; private set; } = [];
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? revoked, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } me)
            return Challenge();
        Apps = await consents.ListAsync(me.Id, cancellationToken);
        Notice = revoked is null ? null : $"{revoked} no longer has access: it must ask you again.";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid appId, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } me)
            return Challenge();
        var revoked = await consents.RevokeAsync(me, appId, cancellationToken);
        return await this.AnswerAsync(revoked, name => LocalRedirect("/account/apps?revoked=" + Uri.EscapeDataString(name)), Errors, async () =>
        {
            Apps = await consents.ListAsync(me.Id, cancellationToken);
            return true;
        });
    }
}
