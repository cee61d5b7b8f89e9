using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>The JSON answers of the back-channel endpoints. Tokens must never be cached (RFC 6749 section 5.1).</summary>
public static class OidcResults
{
    public static IResult Json(object body) => new NoStore(Results.Json(body));

    /// <summary>RFC 6749 section 5.2: 400, or 401 for a client that failed to authenticate.</summary>
    public static IResult Error(OidcError error, int status = StatusCodes.Status400BadRequest) =>
        new NoStore(Results.Json(new Dictionary<string, string> { ["error"] = error.Code, ["error_description"] = error.Description }, statusCode: status));

    /// <summary>RFC 6750 section 3: a refused bearer token is told why in the WWW-Authenticate header.</summary>
    public static IResult BearerError(OidcError error, int status = StatusCodes.Status401Unauthorized) =>
        new Challenge(Error(error, status), $"Bearer error=\"{error.Code}\", error_description=\"{error.Description.Replace("\"", "'")}\"");

    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            return inner.ExecuteAsync(context);
        }
    }

    internal sealed class Challenge(IResult inner, string challenge) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.WWWAuthenticate = challenge;
            return inner.ExecuteAsync(context);
        }
    }
}
