using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Roster.Bench;

/// <summary>One timed request: server and client milliseconds, the matching total and the page number the server says it served.</summary>
public readonly record struct Sample(double ServerMs, double ClientMs, int Total, int Page);

/// <summary>A signed-in browser session against the dashboard, one request at a time.</summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient http;

    public DashboardClient(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>The sign-in form: GET /login for the antiforgery token and cookie, then POST the credentials.</summary>
    public async Task SignInAsync(string identifier, string password)
    {
        var form = await http.GetStringAsync("/login");
        var input = TokenInput().Match(form);
        var value = input.Success ? ValueAttribute().Match(input.Value) : Match.Empty;
        if (!value.Success)
            throw new InvalidOperationException("The sign-in page has no __RequestVerificationToken input.");

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Identifier"] = identifier,
            ["Password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(value.Groups[1].Value),
        });
        using var response = await http.PostAsync("/login", content);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var body = await response.Content.ReadAsStringAsync();
            var error = ErrorText().Match(body);
            throw new InvalidOperationException(
                $"Signing in as {identifier} answered {(int)response.StatusCode} instead of a redirect" +
                (error.Success ? $": {WebUtility.HtmlDecode(error.Groups[1].Value).Trim()}" : "."));
        }
    }

    /// <summary>One page load: server time from Server-Timing, client time to the last byte, the "N users" total and "Page N of M".</summary>
    public async Task<Sample> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var clientMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}");
        if (!response.Headers.TryGetValues("Server-Timing", out var timings))
            throw new InvalidOperationException($"GET {path} has no Server-Timing header.");
        var duration = Duration().Match(string.Join(",", timings));
        if (!duration.Success)
            throw new InvalidOperationException($"GET {path}: unreadable Server-Timing '{string.Join(",", timings)}'.");
        var serverMs = double.Parse(duration.Groups[1].Value, CultureInfo.InvariantCulture);

        var caption = Caption().Match(body);
        var pages = PageOf().Match(body);
        if (!caption.Success || !pages.Success)
            throw new InvalidOperationException($"GET {path}: no users table in the page (signed out?).");
        // A search too common to count says "More than N users match": reported as the negative lower bound.
        var total = caption.Groups[1].Success
            ? int.Parse(caption.Groups[1].Value, CultureInfo.InvariantCulture)
            : -int.Parse(caption.Groups[2].Value, CultureInfo.InvariantCulture);
        return new Sample(serverMs, clientMs, total, int.Parse(pages.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Any other request in the signed-in session; redirects come back as they are, not followed.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) =>
        http.SendAsync(request, cancellationToken);

    public void Dispose() => http.Dispose();

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex TokenInput();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();

    [GeneratedRegex("dur=([0-9]+(?:\\.[0-9]+)?)")]
    private static partial Regex Duration();

    [GeneratedRegex("<caption[^>]*>\\s*(?:([0-9]+) users?|More than ([0-9]+) users match)\\s*</caption>")]
    private static partial Regex Caption();

    [GeneratedRegex("<span>Page ([0-9]+)(?: of [0-9]+)?</span>")]
    private static partial Regex PageOf();

    [GeneratedRegex("class=\"errors\".*?<li>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex ErrorText();
}
