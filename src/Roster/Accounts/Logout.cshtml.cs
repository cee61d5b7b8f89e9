using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>Signing out is a POST (a link or image elsewhere must not sign people out); the GET only asks.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<User> signIn, UserManager<User> users, AuditLog audit, RosterDb db) : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is not null)
        {
            audit.Record(Audit.AuditActions.SignOut, Users.Actor.For(user), user);
            await db.SaveChangesAsync(cancellationToken);
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Accounts/Login", new { done = "signed-out" });
    }
}
