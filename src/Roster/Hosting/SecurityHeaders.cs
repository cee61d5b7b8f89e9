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
        var path = context.Request.Path;
        // Signing in and out and the consent page post forms that continue, through the provider, to an app's registered
        // redirect URI; the account chooser is on that way too.
        var postsOnToAnApp = path.StartsWithSegments("/login") || path.StartsWithSegments("/logout") || path.StartsWithSegments("/consent");
        var onTheWayToAnApp = postsOnToAnApp || path.StartsWithSegments("/select-account") || path.StartsWithSegments("/oidc");
        // Browsers apply form-action to every redirect after a form is sent, so those forms are the exception: they
        // post to Roster only.
        var formAction = postsOnToAnApp ? "" : "form-action 'self'; ";
        headers.ContentSecurityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
            $"base-uri 'none'; {formAction}frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // An app may sign people in and out in a popup (oidc-client-ts, MSAL.js), whose way back needs
        // window.opener: isolating the pages on that way would cut it. Every other page keeps its window to itself.
        if (!onTheWayToAnApp)
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // HTTPS as the browser saw it: directly, or as a trusted proxy reports it (UseForwardedHeaders runs first).
        // Never on plain http, where a browser ignores it anyway (RFC 6797 section 8.1). No includeSubDomains: Roster
        // cannot know what else is served below its host name, and would break it for a year.
        if (context.Request.IsHttps)
            headers.StrictTransportSecurity = "max-age=31536000";
        return next(context);
    });
}
