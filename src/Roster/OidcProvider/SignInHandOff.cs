using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>The provider's way into the dashboard: its session cookie, its sign-in and sign-out pages, and its error page.</summary>
public sealed class SignInHandOff(DashboardSessions sessions, Lazy<RosterDb> database, AuditLog audit, ITempDataDictionaryFactory tempData) : ISignInHandOff
{
    /// <summary>
    /// The cookie is the default scheme, already checked (security stamp included) before the endpoint runs.
    /// A session that must still set up two-factor signs in to no app: it reaches the provider only silently
    /// (<see cref="TwoFactorEnrolment"/>), and there it counts as no session.
    /// </summary>
    public Task<DashboardSession?> CurrentSessionAsync(HttpContext context) =>
        Task.FromResult(context.User.Identity?.IsAuthenticated == true && !DashboardSessions.MustEnrol(context.User)
            ? DashboardSessions.SessionOf(context.User) : null);

    public IResult SignIn(string returnUrl) => Results.Redirect("/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

    public IResult NoAccess(OidcClient client, string? backToApp) => new ProblemPage(StatusCodes.Status403Forbidden,
        $"No access to {client.Name}",
        $"Your account is not allowed to use {client.Name}. If you need it, ask an administrator to add you to one of its groups.")
    {
        Link = backToApp is null ? null : new($"Back to {client.Name}", backToApp),
    };

    public IResult SelectAccount(string returnUrl) => Results.Redirect(SelectAccountModel.Path + "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

    public IResult Consent(OidcClient client, string scope, string returnUrl) =>
        Results.Redirect(ConsentModel.Path + "?Scope=" + Uri.EscapeDataString(scope) + "&ReturnUrl=" + Uri.EscapeDataString(returnUrl));

    /// <summary>
    /// The consent page leaves its decline in TempData (a data-protected cookie), so only the person's own click on it
    /// declines: a link cannot. Reading it removes it, whichever app it named.
    /// </summary>
    public bool TakeDeclinedConsent(HttpContext context, OidcClient client)
    {
        var data = tempData.GetTempData(context);
        if (!data.ContainsKey(ConsentModel.DeclinedKey))
            return false;
        var declined = data[ConsentModel.DeclinedKey] as string == client.ClientId;
        data.Save();
        return declined;
    }

    public IResult Error(OidcError error) => new ProblemPage(StatusCodes.Status400BadRequest, "This sign-in link does not work", error.Description);

    public IResult ConfirmSignOut(string returnUrl) => Results.Redirect("/logout?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

    public Task SignOutAsync(HttpContext context, DashboardSession session) => sessions.SignOutAsync(context.User, context.RequestAborted);

    public IResult SignedOut() => Results.Redirect("/login?done=signed-out");

    /// <summary>Each code issued is a sign-in to the app, in the audit log under the person's name.</summary>
    public async Task SignedInToAppAsync(DashboardSession session, OidcClient client, CancellationToken cancellationToken)
    {
        var userId = Subject.Read(session.Subject);
        var user = await database.Value.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        audit.Record(AuditActions.AppSignIn, Actor.For(user), user, client.Name);
        await database.Value.SaveChangesAsync(cancellationToken);
    }
}
