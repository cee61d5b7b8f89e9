using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// prompt=select_account (OpenID Connect Core section 3.1.2.1): the signed-in person continues to the app as
/// themselves, or signs out (a POST, so no link elsewhere can sign them out) and signs in as someone else, who then
/// continues to the same request. <see cref="ReturnUrl"/> only ever leads back to the authorization endpoint, so the
/// page cannot be used to send people elsewhere.
/// </summary>
[Authorize]
public sealed class SelectAccountModel(UserManager<User> users, DashboardSessions sessions, IClientStore clients) : PageModel
{
    public const string Path = "/select-account";

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string PersonName { get; private set; } = "";
    public string Username { get; private set; } = "";
    public string? AppName { get; private set; }

    /// <summary>The authorization request to continue, or null when <see cref="ReturnUrl"/> is anything else.</summary>
    public string? Continue => ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(OidcPaths.Authorize + "?", StringComparison.Ordinal) ? url : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Continue is null)
            return LocalRedirect("/");
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();
        PersonName = string.IsNullOrWhiteSpace(user.Name) ? user.UserName ?? "" : user.Name;
        Username = user.UserName ?? "";
        var clientId = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + Continue).Query).GetValueOrDefault("client_id").ToString();
        AppName = clientId.Length > 0 ? (await clients.FindAsync(clientId, cancellationToken))?.Name : null;
        return Page();
    }

    /// <summary>"Use another account": ends this dashboard session as signing out does, then signs in and continues.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var next = Continue;
        await sessions.SignOutAsync(User, cancellationToken);
        return next is null ? LocalRedirect("/login") : LocalRedirect("/login?ReturnUrl=" + Uri.EscapeDataString(next));
    }
}
