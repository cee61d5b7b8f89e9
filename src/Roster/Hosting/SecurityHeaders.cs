namespace Roster.Hosting;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers every response carries. The dashboard loads nothing from elsewhere and runs no inline
    /// script, so the policy can be strict; no page may be framed (clickjacking on the sign-in form).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        // Browsers apply form-action to every redirect after a form is sent. Signing in and out continue to
        // an app's registered redirect URI, so those two forms are the exception: they post to Roster only.
        var formAction = context.Request.Path.StartsWithSegments("/login") || context.Request.Path.StartsWithSegments("/logout") ? "" : "form-action 'self'; ";
        headers.ContentSecurityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
            $"base-uri 'none'; {formAction}frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        return next(context);
    });
}
