using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>The JSON answers of the back-channel endpoints. Tokens must never be cached (RFC 6749 section 5.1).</summary>
public static class OidcResults
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static IResult Json(object body) => new NoStoreJson(body, StatusCodes.Status200OK);

    /// <summary>RFC 6749 section 5.2: 400, or 401 for a client that failed to authenticate.</summary>
    public static IResult Error(OidcError error, int status = StatusCodes.Status400BadRequest) =>
        new NoStoreJson(new Dictionary<string, string> { ["error"] = error.Code, ["error_description"] = error.WireDescription }, status);

    /// <summary>RFC 6750 section 3: a refused bearer token is told why in the WWW-Authenticate header.</summary>
    public static IResult BearerError(OidcError error, int status = StatusCodes.Status401Unauthorized) =>
        new Challenge(Error(error, status), $"Bearer error=\"{error.Code}\", error_description=\"{error.WireDescription}\"");

    /// <summary>Serialized whole before it is sent: the answers are small, and one write with a length beats a chunked stream.</summary>
    private sealed class NoStoreJson(object body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(body, Web);
            var response = context.Response;
            response.StatusCode = status;
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = json.Length;
            return response.Body.WriteAsync(json, context.RequestAborted).AsTask();
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
