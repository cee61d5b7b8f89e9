using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Kernel;

public static class PageResults
{
    /// <summary>
    /// How a page answers an operation, the same everywhere: <paramref name="success"/> when it worked;
    /// 403 or 404 for those refusals; otherwise the page again with the errors listed and what was typed kept
    /// (<paramref name="reload"/> fills the rest of the page and says whether the thing still exists), with the
    /// status of the refusal's kind: 409 for a clashing change, 503 for something unavailable, otherwise 400.
    /// </summary>
    public static async Task<IActionResult> AnswerAsync<T>(
        this PageModel page, Result<T> result, Func<T, IActionResult> success, List<Error> errors, Func<Task<bool>> reload)
    {
        if (result.Succeeded)
            return success(result.Value!);
        var kind = ApiResults.KindOf(result.Errors);
        if (kind == ErrorKind.Forbidden)
            return page.Forbid();
        if (kind == ErrorKind.NotFound || !await reload())
            return page.NotFound();
        errors.AddRange(result.Errors);
        page.Response.StatusCode = ApiResults.StatusFor(kind);
        return page.Page();
    }
}
