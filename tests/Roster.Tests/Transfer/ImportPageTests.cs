using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Transfer;

/// <summary>
/// /users/import: an admin uploads a CSV, sees the dry run, and confirms exactly what was shown; a user manager and a
/// plain user are refused; a post without the antiforgery token or with a file over the limit stores nothing.
/// </summary>
public abstract class ImportPageTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private static readonly HtmlParser Parser = new();

    private static string NewName() => "p" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(HttpStatusCode Status, IHtmlDocument Page, string? Location)> UploadAsync(FormClient browser, string csv, bool withToken = true)
    {
        var form = await browser.GetAsync("/users/import");
        using var content = new MultipartFormDataContent();
        if (withToken)
            content.Add(new StringContent(((IHtmlInputElement)form.Document.QuerySelector("input[name=__RequestVerificationToken]")!).Value), "__RequestVerificationToken");
        content.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "Upload", "people.csv");
        using var response = await browser.Http.PostAsync("/users/import?handler=Preview", content);
        return (response.StatusCode, Parser.ParseDocument(await response.Content.ReadAsStringAsync()), response.Headers.Location?.OriginalString);
    }

    private Task<int> CountAsync(string prefix) => Server.QueryAsync(db => db.Users.CountAsync(u => u.UserName!.StartsWith(prefix)));

    [Fact]
    public async Task AnAdminPreviewsACsvAndConfirmsExactlyWhatWasShown()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var p = NewName();
        var (status, page, _) = await UploadAsync(admin, $"username,email,name,groups\n{p}a,{p}a@example.org,Ann,{p}-team\n{p}b,{p}b@example.org,Ben,\n");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("3 to create", page.QuerySelector("[role=status]")!.TextContent);
        Assert.Equal(0, await CountAsync(p));

        var fields = page.QuerySelectorAll("form[action*=Import] input").OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        var confirmed = await admin.PostAsync("/users/import?handler=Import", fields, HttpStatusCode.Redirect);
        Assert.Equal("/users?done=imported&count=2", confirmed.Location);
        Assert.Equal(2, await CountAsync(p));

        // The same confirmation again would now skip both: it no longer does what was shown, so it is refused.
        var replay = await admin.PostAsync("/users/import?handler=Import", fields, HttpStatusCode.Conflict);
        Assert.Contains("changed since the file was checked", string.Join(" ", replay.Errors));
    }

    [Fact]
    public async Task ProblemsAreListedWithTheirLinesAndThereIsNothingToConfirm()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var p = NewName();
        var (status, page, _) = await UploadAsync(admin, $"username,email,name,password_hash\n{p}a,{p}a@example.org,Ann,{{CRYPT}}x\n{p}a,{p}b@example.org,Ann,\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problems = page.QuerySelectorAll(".errors li").Select(li => li.TextContent).ToList();
        Assert.Contains(problems, t => t.StartsWith("Line 2:", StringComparison.Ordinal));
        Assert.Contains(problems, t => t.StartsWith("Line 3:", StringComparison.Ordinal));
        Assert.Null(page.QuerySelector("form[action*=Import]"));
    }

    [Fact]
    public async Task UserManagersUsersForgedPostsAndOversizedFilesImportNothing()
    {
        var p = NewName();
        var csv = $"username,email,name\n{p}a,{p}a@example.org,Ann\n";
        foreach (var role in new[] { Role.User, Role.UserManager })
        {
            var (_, browser) = await Server.SignedInAsync(role);
            await browser.GetAsync("/users/import", HttpStatusCode.Forbidden);
            await browser.PostAsync("/users/import?handler=Import", new Dictionary<string, string> { ["Csv"] = csv, ["Digest"] = "x" }, Expect.OneOf(HttpStatusCode.Forbidden, HttpStatusCode.BadRequest));
        }
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(admin, csv, withToken: false)).Status);
        var (status, page, _) = await UploadAsync(admin, csv + new string('#', 1024 * 1024));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("larger than 1024 KiB", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal(0, await CountAsync(p));
    }
}

public sealed class ImportPageOnSqlite(SqliteRoster fixture) : ImportPageTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ImportPageOnPostgres(PostgresRoster fixture) : ImportPageTests(fixture), IClassFixture<PostgresRoster>;
