using Roster.Oidc;

namespace Roster.Accounts;

/// <summary>
/// Keeps a session whose person must set up two-factor (<see cref="DashboardSessions.MustEnrolClaim"/>)
/// on the set-up page: every other page, app sign-in and API call is sent there until it is done. The one
/// exception is an app's silent sign-in (<c>prompt=none</c>), which must never show a page (OpenID Connect
/// Core section 3.1.2.1): it goes on, and the provider answers it <c>login_required</c>.
/// </summary>
public static class TwoFactorEnrolment
{
    private static readonly string[] Allowed = ["/account/two-factor", "/logout", "/error", "/avatar"];

    public static IApplicationBuilder UseTwoFactorEnrolment(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (DashboardSessions.MustEnrol(context.User) &&
            !Allowed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)) &&
            !IsSilentAppSignIn(context.Request))
        {
            context.Response.Redirect("/account/two-factor");
            return Task.CompletedTask;
        }
        return next(context);
    });

    private static bool IsSilentAppSignIn(HttpRequest request) =>
        request.Path.Equals(OidcPaths.Authorize, StringComparison.OrdinalIgnoreCase) && request.Query["prompt"] == "none";
}
