using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// The consent page (OpenID Connect Core section 3.1.2.4): the signed-in person allows an app what it asks for, or
/// declines. Either way the request continues at the authorization endpoint, which answers the app: with a code, or
/// with access_denied. <see cref="ReturnUrl"/> only ever leads back there, so the page sends no one elsewhere; and
/// the endpoint checks what was allowed against what it grants, so a <see cref="Scope"/> edited in the link allows
/// nothing the person did not see.
/// </summary>
[Authorize]
public sealed class ConsentModel(UserManager<User> users, IClientStore clients, Consents consents, RosterDb db) : PageModel
{
    public const string Path = "/consent";
    public const string DeclinedKey = "consent-declined";

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public string? Scope { get; set; }

    public string AppName { get; private set; } = "";
    public string PersonName { get; private set; } = "";
    public IReadOnlyList<string> Asks { get; private set; } = [];
    public List<Error> Errors { get; } = [];

    /// <summary>The authorization request to continue, or null when <see cref="ReturnUrl"/> is anything else.</summary>
    public string? Continue => ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(OidcPaths.Authorize + "?", StringComparison.Ordinal) ? url : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : LocalRedirect("/");

    public async Task<IActionResult> OnPostAllowAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken) || await users.GetUserAsync(User) is not { } me)
            return LocalRedirect("/");
        var allowed = await consents.AllowAsync(me, ClientId!, string.Join(' ', Scopes.Parse(Scope)), cancellationToken);
        return await this.AnswerAsync(allowed, _ => LocalRedirect(Continue!), Errors, () => Task.FromResult(true));
    }

    public async Task<IActionResult> OnPostDeclineAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
            return LocalRedirect("/");
        TempData[DeclinedKey] = ClientId;
        return LocalRedirect(Continue!);
    }

    private string? ClientId => Continue is { } next ? QueryHelpers.ParseQuery(new Uri("http://x" + next).Query).GetValueOrDefault("client_id").ToString() : null;

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (Continue is not { } next || Scopes.Parse(Scope).Count == 0 || (Scope ?? "").Length > OidcConsentLimits.MaxScope)
            return false;
        if (ClientId is not { Length: > 0 } clientId || await clients.FindAsync(clientId, cancellationToken) is not { } client || client.ResourceIdentifier is not null)
            return false;
        if (await users.GetUserAsync(User) is not { } me)
            return false;
        AppName = client.Name;
        PersonName = string.IsNullOrWhiteSpace(me.Name) ? me.UserName ?? "" : me.Name;
        var resource = QueryHelpers.ParseQuery(new Uri("http://x" + next).Query).GetValueOrDefault(Resources.Parameter).ToString();
        var apiName = resource.Length == 0 ? null
            : await db.ApiResources.Where(a => a.Identifier == resource).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken);
        Asks = Scopes.Parse(Scope).Select(scope => ScopeDescriptions.Describe(scope, apiName)).ToList();
        return true;
    }
}
