using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Roster.Tests.Kernel;

/// <summary>Each kind of refusal becomes one status, in the API and on pages, and the most severe kind answers a mixed refusal.</summary>
public sealed class ErrorMappingTests
{
    private static readonly Error Invalid = new("name.required", "Enter a name.", "Name");
    private static readonly Error NotFound = Error.NotFound("not_found", "There is no such thing.");
    private static readonly Error Forbidden = Error.Forbidden("forbidden", "You are not allowed to do this.");
    private static readonly Error Conflict = Error.Conflict("conflict", "Someone else changed this at the same moment.");
    private static readonly Error Unavailable = Error.Unavailable("mail.down", "Mail cannot be sent right now.");

    [Fact]
    public void AnErrorBuiltWithTheConstructorIsInvalid() =>
        Assert.Equal(ErrorKind.Invalid, new Error("x.y", "Wrong.", "Field").Kind);

    [Theory]
    [InlineData(ErrorKind.Forbidden, 403, "Forbidden")]
    [InlineData(ErrorKind.NotFound, 404, "Not found")]
    [InlineData(ErrorKind.Conflict, 409, "Conflict")]
    [InlineData(ErrorKind.Unavailable, 503, "Service unavailable")]
    public async Task EachRefusalKindAnswersWithItsStatusItsMessageAndItsCode(ErrorKind kind, int status, string title)
    {
        var error = Of(kind);

        var (code, body) = await ExecuteAsync(ApiResults.Problem([error]));

        Assert.Equal(status, code);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(title, body.GetProperty("title").GetString());
        Assert.Equal(error.Message, body.GetProperty("detail").GetString());
        Assert.Equal([error.Code], Codes(body));
        Assert.False(body.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task InvalidRequestsAnswer400WithEveryMessageByFieldAndEveryCode()
    {
        Error[] errors = [Invalid, new("name.too_long", "At most 100 characters.", "Name"), new("general", "Something else.")];

        var (code, body) = await ExecuteAsync(ApiResults.Problem(errors));

        Assert.Equal(400, code);
        Assert.Equal("The request was refused; nothing was changed.", body.GetProperty("title").GetString());
        Assert.Equal("Enter a name. At most 100 characters. Something else.", body.GetProperty("detail").GetString());
        Assert.Equal(["Enter a name.", "At most 100 characters."], body.GetProperty("errors").GetProperty("Name").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal(["Something else."], body.GetProperty("errors").GetProperty("").EnumerateArray().Select(m => m.GetString()!));
        Assert.Equal(["name.required", "name.too_long", "general"], Codes(body));
    }

    [Theory]
    [InlineData(403, ErrorKind.Invalid, ErrorKind.Unavailable, ErrorKind.Conflict, ErrorKind.NotFound, ErrorKind.Forbidden)]
    [InlineData(404, ErrorKind.Invalid, ErrorKind.Unavailable, ErrorKind.Conflict, ErrorKind.NotFound)]
    [InlineData(409, ErrorKind.Invalid, ErrorKind.Unavailable, ErrorKind.Conflict)]
    [InlineData(503, ErrorKind.Invalid, ErrorKind.Unavailable)]
    public async Task TheMostSevereKindAnswersAndOnlyItsErrorsAreShown(int status, params ErrorKind[] kinds)
    {
        var (code, body) = await ExecuteAsync(ApiResults.Problem([.. kinds.Select(Of)]));

        Assert.Equal(status, code);
        Assert.Equal([Of(kinds[^1]).Code], Codes(body));
    }

    [Fact]
    public async Task APageForbidsAForbiddenChangeEvenWhenItIsAlsoInvalid()
    {
        var (page, shown) = NewPage();

        Assert.IsType<ForbidResult>(await page.AnswerAsync(Result<int>.Fail([Invalid, Forbidden]), _ => new OkResult(), shown, Exists));
        Assert.Empty(shown);
    }

    [Fact]
    public async Task APageAnswers404ForSomethingThatIsNotThere()
    {
        var (page, shown) = NewPage();

        Assert.IsType<NotFoundResult>(await page.AnswerAsync(Result<int>.Fail([NotFound]), _ => new OkResult(), shown, Exists));
    }

    [Theory]
    [InlineData(ErrorKind.Invalid, 400)]
    [InlineData(ErrorKind.Conflict, 409)]
    [InlineData(ErrorKind.Unavailable, 503)]
    public async Task APageShowsOtherRefusalsAgainWithTheirStatus(ErrorKind kind, int status)
    {
        var (page, shown) = NewPage();

        Assert.IsType<PageResult>(await page.AnswerAsync(Result<int>.Fail([Of(kind)]), _ => new OkResult(), shown, Exists));
        Assert.Equal(status, page.Response.StatusCode);
        Assert.Equal([Of(kind)], shown);
    }

    [Fact]
    public async Task APageSucceedsWithItsAnswer()
    {
        var (page, shown) = NewPage();

        Assert.Equal(7, Assert.IsType<OkObjectResult>(await page.AnswerAsync(Result<int>.Ok(7), v => new OkObjectResult(v), shown, Exists)).Value);
    }

    private static Error Of(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => NotFound,
        ErrorKind.Forbidden => Forbidden,
        ErrorKind.Conflict => Conflict,
        ErrorKind.Unavailable => Unavailable,
        _ => Invalid,
    };

    private static Task<bool> Exists() => Task.FromResult(true);

    private static (PageModel Page, List<Error> Shown) NewPage() =>
        (new TestPage { PageContext = new PageContext { HttpContext = new DefaultHttpContext() } }, []);

    private sealed class TestPage : PageModel;

    private static string[] Codes(JsonElement body) => [.. body.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)];

    private static async Task<(int Status, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, (await JsonDocument.ParseAsync(context.Response.Body)).RootElement.Clone());
    }
}
