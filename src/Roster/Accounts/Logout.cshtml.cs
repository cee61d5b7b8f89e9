using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

/// <summary>
/// Signing out is a POST (a link or image elsewhere must not sign people out); the GET only asks. An app's
/// logout request comes here to ask too, and continues at <see cref="ReturnUrl"/> afterwards.
/// </summary>
[AllowAnonymous]
public sealed class LogoutModel(DashboardSessions sessions) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await sessions.SignOutAsync(User, cancellationToken);
        return Url.IsLocalUrl(ReturnUrl) ? LocalRedirect(ReturnUrl) : RedirectToPage("/Accounts/Login", new { done = "signed-out" });
    }
}
