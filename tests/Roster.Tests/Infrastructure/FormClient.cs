using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Roster.Tests.Infrastructure;

/// <summary>A page as a browser without JavaScript gets it.</summary>
public sealed record Page(HttpStatusCode Status, string? Location, IHtmlDocument Document)
{
    public IReadOnlyList<string> Errors => [.. Document.QuerySelectorAll(".errors li").Select(e => e.TextContent.Trim())];
    public string? Notice => Document.QuerySelector(".notice")?.TextContent.Trim();
    public string Text => Document.Body?.TextContent ?? "";
}

/// <summary>
/// The statuses a test expects from a request. <see cref="FormClient"/> fails the test on any other, saying
/// what came back, so an error page or a detour to the sign-in page never passes for the page a test meant
/// to look at. A status converts to the expectation of exactly that status.
/// </summary>
public sealed class Expect
{
    private readonly Func<HttpStatusCode, bool> accepts;
    private readonly string description;

    private Expect(Func<HttpStatusCode, bool> accepts, string description)
    {
        this.accepts = accepts;
        this.description = description;
    }

    /// <summary>A page (2xx): what a GET expects unless the test says otherwise.</summary>
    public static readonly Expect Success = new(status => (int)status is >= 200 and < 300, "a success (2xx)");

    /// <summary>A form that was taken: done (a redirect) or shown again (2xx). What a POST expects unless the test says otherwise.</summary>
    public static readonly Expect SuccessOrRedirect = new(status => (int)status is >= 200 and < 400, "a success or a redirect (2xx or 3xx)");

    /// <summary>Any status, for a test that tells the answers apart itself (the authorization matrix).</summary>
    public static readonly Expect Any = new(_ => true, "any status");

    public static Expect OneOf(params HttpStatusCode[] statuses) =>
        new(statuses.Contains, string.Join(" or ", statuses.Select(s => $"{(int)s} {s}")));

    public static implicit operator Expect(HttpStatusCode status) => OneOf(status);

    public bool Accepts(HttpStatusCode status) => accepts(status);

    public override string ToString() => description;
}

/// <summary>
/// Talks to Roster the way a person with a plain browser does: keeps cookies, reads the form it was
/// given and posts it back with its antiforgery token. Redirects are returned, not followed. Every
/// request checks its status against what the test expects (<see cref="Expect"/>).
/// </summary>
/// <remarks>Two clients given one <paramref name="cookies"/> jar are one browser reaching two addresses (instances behind a load balancer).</remarks>
public sealed class FormClient(string baseUrl, CookieContainer? cookies = null) : IDisposable
{
    private static readonly HtmlParser Parser = new();
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() })
    {
        BaseAddress = new Uri(baseUrl),
    };

    public HttpClient Http => http;

    /// <summary>Loads <paramref name="path"/>; the test fails unless the answer is <paramref name="expect"/> (by default a success, 2xx).</summary>
    public async Task<Page> GetAsync(string path, Expect? expect = null) =>
        await ReadAsync(await http.GetAsync(path), "GET", path, expect ?? Expect.Success);

    /// <summary>Loads the form at <paramref name="path"/>, fills in <paramref name="fields"/> and submits it.</summary>
    public async Task<Page> SubmitAsync(string path, IDictionary<string, string> fields, bool withAntiforgeryToken = true, Expect? expect = null) =>
        await SubmitAsync(path, path, fields, withAntiforgeryToken, expect);

    /// <summary>
    /// Posts to <paramref name="path"/> with a token taken from the form at <paramref name="formPath"/> (for pages that show no form).
    /// The form must load (2xx); the answer must be <paramref name="expect"/>, by default taken (2xx or 3xx): a refusal (400) or
    /// a 403 fails the test unless it says it expects one.
    /// </summary>
    public async Task<Page> SubmitAsync(string formPath, string path, IDictionary<string, string> fields, bool withAntiforgeryToken = true, Expect? expect = null)
    {
        var form = await GetAsync(formPath);
        var values = new Dictionary<string, string>(fields);
        var token = form.Document.QuerySelector("input[name=__RequestVerificationToken]") as IHtmlInputElement;
        if (withAntiforgeryToken)
            values["__RequestVerificationToken"] = token?.Value ?? throw new InvalidOperationException($"{path} has no form with an antiforgery token");
        return await PostAsync(path, values, expect);
    }

    /// <summary>Posts <paramref name="fields"/> as they are; the answer must be <paramref name="expect"/>, by default taken (2xx or 3xx).</summary>
    public async Task<Page> PostAsync(string path, IDictionary<string, string> fields, Expect? expect = null) =>
        await ReadAsync(await http.PostAsync(path, new FormUrlEncodedContent(fields)), "POST", path, expect ?? Expect.SuccessOrRedirect);

    /// <summary>Signs in through the login form. A wrong password is answered with the form again (200), so it passes the default expectation.</summary>
    public async Task<Page> SignInAsync(string identifier, string password, Expect? expect = null) =>
        await SubmitAsync("/login", new Dictionary<string, string> { ["Identifier"] = identifier, ["Password"] = password }, expect: expect);

    private static async Task<Page> ReadAsync(HttpResponseMessage response, string method, string path, Expect expect)
    {
        using (response)
        {
            var html = await response.Content.ReadAsStringAsync();
            var page = new Page(response.StatusCode, response.Headers.Location?.OriginalString, Parser.ParseDocument(html));
            if (!expect.Accepts(page.Status))
                Assert.Fail($"{method} {path} answered {(int)page.Status} {page.Status}{(page.Location is null ? "" : $" to {page.Location}")}, " +
                    $"where the test expects {expect}. The page: {Excerpt(page)}");
            return page;
        }
    }

    /// <summary>Enough of a page to tell an error page from the one asked for: its title, its listed errors, or its opening text.</summary>
    private static string Excerpt(Page page)
    {
        var text = string.Join(' ', page.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0 && string.IsNullOrEmpty(page.Document.Title))
            return "(empty)";
        var errors = page.Errors.Count > 0 ? $" errors: {string.Join("; ", page.Errors)};" : "";
        return $"\"{page.Document.Title}\";{errors} {(text.Length > 300 ? text[..300] + "…" : text)}".Trim();
    }

    public void Dispose() => http.Dispose();
}
