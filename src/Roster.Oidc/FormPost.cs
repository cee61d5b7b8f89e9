using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// OAuth 2.0 Form Post Response Mode (<c>response_mode=form_post</c>): the answer to the app is a page whose
/// form the browser posts to the redirect URI at once, so codes stay out of addresses and logs. ASP.NET
/// Core's OpenID Connect handler asks for it by default. The page runs one inline script, allowed by its
/// hash; without scripts the person presses Continue.
/// </summary>
public sealed class FormPost(string redirectUri, IEnumerable<KeyValuePair<string, string?>> parameters) : IResult
{
    public const string Mode = "form_post";

    private const string Submit = "document.forms[0].submit()";
    private static readonly string SubmitHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Submit)));

    public Task ExecuteAsync(HttpContext context)
    {
        var page = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in</title></head><body>")
            .Append("<form method=\"post\" action=\"").Append(WebUtility.HtmlEncode(redirectUri)).Append("\">");
        foreach (var (name, value) in parameters.Where(p => p.Value is not null))
            page.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name))
                .Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\">");
        page.Append("<noscript><button type=\"submit\">Continue</button></noscript></form>")
            .Append("<script>").Append(Submit).Append("</script></body></html>");

        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        // Replaces the dashboard's policy: this page loads nothing and runs only its own script. The form
        // may go to the app's origin, which the dashboard's form-action 'self' would refuse.
        response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'sha256-{SubmitHash}'; base-uri 'none'; frame-ancestors 'none'";
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(page.ToString(), context.RequestAborted);
    }
}
