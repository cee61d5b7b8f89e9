namespace Roster.Accounts;

/// <summary>
/// Keeps a session whose person must set up two-factor (<see cref="DashboardSessions.MustEnrolClaim"/>)
/// on the set-up page: every other page, app sign-in and API call is sent there until it is done.
/// </summary>
public static class TwoFactorEnrolment
{
    private static readonly string[] Allowed = ["/account/two-factor", "/logout", "/error", "/avatar"];

    public static IApplicationBuilder UseTwoFactorEnrolment(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.User.HasClaim(DashboardSessions.MustEnrolClaim, "true") &&
            !Allowed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.Redirect("/account/two-factor");
            return Task.CompletedTask;
        }
        return next(context);
    });
}
