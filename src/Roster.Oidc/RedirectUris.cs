namespace Roster.Oidc;

/// <summary>
/// Which redirect URIs a client may register and which a request may name. OpenID Connect Core section 3.1.2.1
/// asks for exact matching, with one exception from RFC 8252 (OAuth 2.0 for Native Apps): a native app listens on
/// the loopback interface on whatever port is free when it runs, so a registered loopback URI matches any port.
/// </summary>
public static class RedirectUris
{
    /// <summary>Schemes that run code, read local files or name no app: never a redirect, whatever their form.</summary>
    private static readonly string[] Dangerous = ["javascript", "data", "file", "vbscript", "about", "blob", "filesystem", "ws", "wss", "ftp", "mailto"];

    /// <summary>
    /// Whether <paramref name="requested"/> is one of <paramref name="registered"/>: the same string, or (RFC 8252
    /// section 7.3) a loopback IP literal URI (<c>http://127.0.0.1</c> or <c>http://[::1]</c>) that differs only in
    /// its port. <c>localhost</c> gets no such leeway: section 8.3 tells apps to use the IP literal, since the name
    /// may resolve to something else and a firewall may see it differently, so a localhost URI must match exactly.
    /// </summary>
    public static bool Matches(IReadOnlyList<string> registered, string requested)
    {
        if (registered.Contains(requested, StringComparer.Ordinal))
            return true;
        if (LoopbackParts(requested) is not { } wanted)
            return false;
        return registered.Any(uri => LoopbackParts(uri) is { } allowed && allowed.Host == wanted.Host && allowed.PathAndQuery == wanted.PathAndQuery);
    }

    /// <summary>
    /// A private-use URI scheme of RFC 8252 section 7.1: a reverse domain name the app controls (so it contains a
    /// period, like <c>com.example.app:/callback</c>), in the scheme syntax of RFC 3986 section 3.1, and none that
    /// a browser would run or open itself.
    /// </summary>
    public static bool IsPrivateUseScheme(string scheme) =>
        scheme.Length is > 2 and <= 100 && scheme.Contains('.') && char.IsAsciiLetter(scheme[0]) && !scheme.EndsWith('.') &&
        scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') &&
        !Dangerous.Contains(scheme, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a browser can post a form to <paramref name="uri"/>: http or https, not a native app's own scheme.</summary>
    public static bool IsWeb(string uri) =>
        uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="uri"/> is an http URI on a loopback IP literal, which matches on any port.</summary>
    public static bool IsLoopbackIpLiteral(string uri) => LoopbackParts(uri) is not null;

    /// <summary>
    /// The host and the rest (path and query) of an <c>http://127.0.0.1[:port]</c> or <c>http://[::1][:port]</c>
    /// URI, read from the text itself: a parser's normalisation (a default port dropped, a path unescaped) must not
    /// make two different strings match. Anything else (user info, another host, a bad port) is null.
    /// </summary>
    private static (string Host, string PathAndQuery)? LoopbackParts(string uri)
    {
        const string prefix = "http://";
        if (!uri.StartsWith(prefix, StringComparison.Ordinal))
            return null;
        var end = uri.IndexOfAny(['/', '?', '#'], prefix.Length);
        var authority = end < 0 ? uri[prefix.Length..] : uri[prefix.Length..end];
        var rest = end < 0 ? "" : uri[end..];
        if (rest.Contains('#'))
            return null;
        foreach (var host in new[] { "127.0.0.1", "[::1]" })
        {
            if (authority == host)
                return (host, rest);
            if (authority.StartsWith(host + ":", StringComparison.Ordinal) && IsPort(authority[(host.Length + 1)..]))
                return (host, rest);
        }
        return null;
    }

    private static bool IsPort(string text) =>
        text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 65535;
}
