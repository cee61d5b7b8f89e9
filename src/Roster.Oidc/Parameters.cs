using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Roster.Oidc;

/// <summary>
/// A request's protocol parameters: the query of a GET, the form of a POST. RFC 6749 section 3.1: a parameter
/// may not appear twice, and one the server does not recognise is ignored. So a repeated parameter Roster
/// reads is remembered to be refused, and any other, repeated or not, is only carried along.
/// </summary>
public sealed class Parameters
{
    /// <summary>
    /// Every parameter Roster reads, at any endpoint. Reading one not named here is a mistake in Roster, not
    /// in the request, and throws, so a new parameter cannot be read without joining the duplicate check.
    /// </summary>
    private static readonly FrozenSet<string> Recognized = FrozenSet.Create(StringComparer.Ordinal,
        "response_type", "client_id", "redirect_uri", "scope", "state", "response_mode", "nonce", "prompt", "max_age",
        "id_token_hint", "code_challenge", "code_challenge_method", "request", "request_uri",
        "grant_type", "code", "code_verifier", "refresh_token", "client_secret", "token", "access_token",
        "post_logout_redirect_uri",
        "device_code",
        // RFC 8707: one API per request; the same name twice is refused like any parameter Roster reads.
        "resource");

    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly List<string> repeated = [];

    private Parameters(IEnumerable<KeyValuePair<string, StringValues>> source)
    {
        foreach (var (name, value) in source)
        {
            if (value.Count > 1 && Recognized.Contains(name))
                repeated.Add(name);
            // RFC 6749 section 3.1: parameters sent without a value are treated as omitted.
            if (!string.IsNullOrEmpty(value[0]))
                values[name] = value[0]!;
        }
    }

    /// <summary>The first parameter Roster reads that was given more than once, if any.</summary>
    public string? Repeated => repeated.Count > 0 ? repeated[0] : null;

    public bool IsRepeated(string name) => repeated.Contains(name);

    public string? this[string name] => Recognized.Contains(name)
        ? values.GetValueOrDefault(name)
        : throw new ArgumentException($"Roster does not read the parameter {name}; add it to Parameters.Recognized.", nameof(name));

    /// <summary>Every parameter with a value, recognised or not (the first value of one given twice), to carry a request along.</summary>
    public IReadOnlyDictionary<string, string> All => values;

    public static async Task<Parameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsPost(request.Method))
            return await ReadFormAsync(request, cancellationToken) ?? new([]);
        return new(request.Query);
    }

    /// <summary>
    /// The form of a POST; null when the body is not application/x-www-form-urlencoded, as RFC 6749 section 3.2
    /// requires, or is cut short or malformed: the caller answers invalid_request rather than failing.
    /// </summary>
    public static async Task<Parameters?> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType)
            return null;
        try
        {
            return new(await request.ReadFormAsync(cancellationToken));
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Adds <paramref name="parameters"/> (those with a value) to <paramref name="uri"/>'s query, keeping the
    /// query it has (RFC 6749 section 3.1.2); with none to add, the URI stays exactly as registered.
    /// </summary>
    public static string AppendTo(string uri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var query = string.Join('&', parameters
            .Where(p => p.Value is not null)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!)));
        return query.Length == 0 ? uri : uri + (uri.Contains('?') ? "&" : "?") + query;
    }
}
