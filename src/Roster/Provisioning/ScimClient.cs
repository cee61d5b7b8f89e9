using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Roster.Provisioning;

/// <summary>A push no retry can make succeed (a refused address, a request the provider rejects as invalid); the job gives up with this message.</summary>
public sealed class ScimRefusedException(string message) : Exception(message);

/// <summary>What a provider answered: its status and, when it sent one, its JSON body.</summary>
public sealed record ScimAnswer(HttpStatusCode Status, JsonNode? Body)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;
}

/// <summary>
/// RFC 7644 over <see cref="OutboundHttp"/>: the base URL is one someone typed, so every request goes through the vetted
/// client, with the provider's bearer token on that request only. Failures a later try may fix (the network, a 5xx,
/// 429, a timeout, an answer that is not JSON) throw for the outbox to retry; the caller gets 404 and 409 to decide on;
/// any other 4xx is a refusal. Messages quote the provider's SCIM "detail", clipped, and never the token.
/// </summary>
public sealed class ScimClient(OutboundHttp http, Uri baseUrl, string token, bool allowPrivate)
{
    public const string MediaType = "application/scim+json";

    public Task<ScimAnswer> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);
    public Task<ScimAnswer> PostAsync(string path, JsonNode body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);
    public Task<ScimAnswer> PutAsync(string path, JsonNode body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Put, path, body, cancellationToken);
    public Task<ScimAnswer> PatchAsync(string path, JsonNode body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Patch, path, body, cancellationToken);
    public Task<ScimAnswer> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>"Users" or "Users/&lt;id&gt;" or "Users?filter=…" under the base URL; an id is escaped, so the provider's ids cannot steer the path.</summary>
    public static string ResourcePath(string endpoint, string? id = null) => id is null ? endpoint : $"{endpoint}/{Uri.EscapeDataString(id)}";

    /// <summary>A list request with an RFC 7644 section 3.4.2.2 filter, quoting the value as a JSON string.</summary>
    public static string FilterPath(string endpoint, string attribute, string value) =>
        $"{endpoint}?filter={Uri.EscapeDataString($"{attribute} eq {JsonSerializer.Serialize(value)}")}";

    private async Task<ScimAnswer> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var target = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + path);
        using var content = body is null ? null : new StringContent(body.ToJsonString(), Encoding.UTF8, MediaType);
        var where = $"{method} {path.Split('?')[0]}";
        Result<OutboundResponse> sent;
        try
        {
            sent = await http.SendAsync(method, target, content, new AuthenticationHeaderValue("Bearer", token), allowPrivate, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is { } inner)
        {
            // HttpClient's own message ("An error occurred while sending the request.") says nothing an admin can act on.
            throw new HttpRequestException($"{where} failed: {inner.Message}", e);
        }
        if (!sent.Succeeded)
            throw new ScimRefusedException(sent.Errors[0].Message);
        var answer = sent.Value!;
        var status = (int)answer.Status;
        if (status is >= 500 or 429 or 408)
            throw new HttpRequestException($"The SCIM service answered {where} with {status}{Detail(answer.Body)}.");
        JsonNode? parsed = null;
        if (!string.IsNullOrWhiteSpace(answer.Body))
        {
            if (answer.Truncated)
                throw new HttpRequestException($"The SCIM service's answer to {where} was longer than {OutboundHttp.MaxResponseBytes / 1024} KiB.");
            try { parsed = JsonNode.Parse(answer.Body); }
            catch (JsonException)
            {
                throw new HttpRequestException($"The SCIM service answered {where} with {status} and a body that is not JSON.");
            }
        }
        if (status is 401 or 403)
            throw new ScimRefusedException($"The SCIM service refused Roster's token ({status}) for {where}{Detail(answer.Body)}. Check the token on the app's page.");
        if (status >= 400 && status is not (404 or 409))
            throw new ScimRefusedException($"The SCIM service refused {where} with {status}{Detail(answer.Body)}.");
        if (status is >= 300 and < 400)
            throw new ScimRefusedException($"The SCIM service answered {where} with a redirect ({status}); Roster follows none. Give the final base URL.");
        return new ScimAnswer(answer.Status, parsed);
    }

    /// <summary>": " and the provider's SCIM error detail (RFC 7644 section 3.12), one line of at most 200 characters; nothing when there is none.</summary>
    private static string Detail(string body)
    {
        string? detail = null;
        try { detail = JsonNode.Parse(body)?["detail"]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { }
        if (string.IsNullOrWhiteSpace(detail))
            return "";
        var clean = new string(detail.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return ": " + (clean.Length > 200 ? clean[..200] + "…" : clean);
    }
}
