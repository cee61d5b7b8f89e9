namespace Roster.Kernel;

/// <summary>Turns refusals into RFC 9457 problem details, in one place for the whole API.</summary>
public static class ApiResults
{
    public static IResult Problem(IReadOnlyList<Error> errors)
    {
        if (errors.Any(e => e.Code == "forbidden"))
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: errors.First(e => e.Code == "forbidden").Message);
        if (errors.Any(e => e.Code == "not_found"))
            return Results.Problem(statusCode: 404, title: "Not found", detail: errors.First(e => e.Code == "not_found").Message);
        return Results.ValidationProblem(
            errors.GroupBy(e => e.Field ?? "").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: string.Join(" ", errors.Select(e => e.Message)),
            title: "The request was refused; nothing was changed.",
            extensions: new Dictionary<string, object?> { ["codes"] = errors.Select(e => e.Code).Distinct().ToArray() });
    }

    public static IResult From<T>(Result<T> result, Func<T, IResult> ok) => result.Succeeded ? ok(result.Value!) : Problem(result.Errors);
}
