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
/// Talks to Roster the way a person with a plain browser does: keeps cookies, reads the form it was
/// given and posts it back with its antiforgery token. Redirects are returned, not followed.
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

    public async Task<Page> GetAsync(string path) => await ReadAsync(await http.GetAsync(path));

    /// <summary>Loads the form at <paramref name="path"/>, fills in <paramref name="fields"/> and submits it.</summary>
    public async Task<Page> SubmitAsync(string path, IDictionary<string, string> fields, bool withAntiforgeryToken = true) =>
        await SubmitAsync(path, path, fields, withAntiforgeryToken);

    /// <summary>Posts to <paramref name="path"/> with a token taken from the form at <paramref name="formPath"/> (for pages that show no form).</summary>
    public async Task<Page> SubmitAsync(string formPath, string path, IDictionary<string, string> fields, bool withAntiforgeryToken = true)
    {
        var form = await GetAsync(formPath);
        var values = new Dictionary<string, string>(fields);
        var token = form.Document.QuerySelector("input[name=__RequestVerificationToken]") as IHtmlInputElement;
        if (withAntiforgeryToken)
            values["__RequestVerificationToken"] = token?.Value ?? throw new InvalidOperationException($"{path} has no form with an antiforgery token");
        return await PostAsync(path, values);
    }

    public async Task<Page> PostAsync(string path, IDictionary<string, string> fields) =>
        await ReadAsync(await http.PostAsync(path, new FormUrlEncodedContent(fields)));

    public async Task<Page> SignInAsync(string identifier, string password) =>
        await SubmitAsync("/login", new Dictionary<string, string> { ["Identifier"] = identifier, ["Password"] = password });

    private static async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var html = await response.Content.ReadAsStringAsync();
            return new Page(response.StatusCode, response.Headers.Location?.OriginalString, Parser.ParseDocument(html));
        }
    }

    public void Dispose() => http.Dispose();
}
