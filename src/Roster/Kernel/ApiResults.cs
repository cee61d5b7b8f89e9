namespace Roster.Kernel;

/// <summary>Turns refusals into RFC 9457 problem details, in one place for the whole API.</summary>
public static class ApiResults
{
    /// <summary>
    /// When one request is refused for several reasons, the most severe kind answers, in this order: a caller who may
    /// not act, or names nothing, learns only that, not which of their fields would also have been wrong.
    /// </summary>
    private static readonly ErrorKind[] Severity = [ErrorKind.Forbidden, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.Unavailable, ErrorKind.Invalid];

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The kind that decides the answer to <paramref name="errors"/>.</summary>
    public static ErrorKind KindOf(IReadOnlyList<Error> errors) => Severity.First(kind => kind == ErrorKind.Invalid || errors.Any(e => e.Kind == kind));

    public static IResult Problem(IReadOnlyList<Error> errors)
    {
        var kind = KindOf(errors);
        var shown = errors.Where(e => e.Kind == kind).ToList();
        var detail = string.Join(" ", shown.Select(e => e.Message));
        var extensions = new Dictionary<string, object?> { ["codes"] = shown.Select(e => e.Code).Distinct().ToArray() };
        return kind switch
        {
            ErrorKind.Invalid => Results.ValidationProblem(
                shown.GroupBy(e => e.Field ?? "").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                detail: detail,
                title: "The request was refused; nothing was changed.",
                extensions: extensions),
            _ => Results.Problem(detail: detail, statusCode: StatusFor(kind), title: TitleFor(kind), extensions: extensions),
        };
    }

    public static IResult From<T>(Result<T> result, Func<T, IResult> ok) => result.Succeeded ? ok(result.Value!) : Problem(result.Errors);

    private static string TitleFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Forbidden => "Forbidden",
        ErrorKind.NotFound => "Not found",
        ErrorKind.Conflict => "Conflict",
        _ => "Service unavailable",
    };
}
