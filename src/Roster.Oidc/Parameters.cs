using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Roster.Oidc;

/// <summary>
/// A request's protocol parameters: the query of a GET, the form of a POST. RFC 6749 section 3.1 says no
/// parameter may appear twice, so a repeated one is remembered to be refused.
/// </summary>
public sealed class Parameters
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    private Parameters(IEnumerable<KeyValuePair<string, StringValues>> source)
    {
        foreach (var (name, value) in source)
        {
            if (value.Count > 1)
                Repeated ??= name;
            // RFC 6749 section 3.1: parameters sent without a value are treated as omitted.
            if (!string.IsNullOrEmpty(value[0]))
                values[name] = value[0]!;
        }
    }

    /// <summary>The first parameter given more than once, if any.</summary>
    public string? Repeated { get; }

    public string? this[string name] => values.GetValueOrDefault(name);

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
