using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Kernel;

public static class PageResults
{
    /// <summary>
    /// How a page answers an operation, the same everywhere: <paramref name="success"/> when it worked;
    /// 403 or 404 for those refusals; otherwise the page again, status 400, with the errors listed and
    /// what was typed kept (<paramref name="reload"/> fills the rest of the page and says whether the
    /// thing still exists).
    /// </summary>
    public static async Task<IActionResult> AnswerAsync<T>(
        this PageModel page, Result<T> result, Func<T, IActionResult> success, List<Error> errors, Func<Task<bool>> reload)
    {
        if (result.Succeeded)
            return success(result.Value!);
        if (result.Errors.Any(e => e.Code == "forbidden"))
            return page.Forbid();
        if (result.Errors.Any(e => e.Code == "not_found") || !await reload())
            return page.NotFound();
        errors.AddRange(result.Errors);
        page.Response.StatusCode = StatusCodes.Status400BadRequest;
        return page.Page();
    }
}
