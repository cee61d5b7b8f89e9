namespace Roster.Kernel;

/// <summary>
/// An error page with a message of its own, for endpoints that are not pages (the OpenID Connect
/// endpoints): the status page, re-executed on the same request, shows this title and text.
/// </summary>
public sealed class ProblemPage(int status, string title, string text) : IResult
{
    public string Title { get; } = title;
    public string Text { get; } = text;

    /// <summary>A way on from the page, offered beside the way back to the person's apps.</summary>
    public ProblemLink? Link { get; init; }

    public Task ExecuteAsync(HttpContext context)
    {
        context.Items[typeof(ProblemPage)] = this;
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    public static ProblemPage? Of(HttpContext context) => context.Items[typeof(ProblemPage)] as ProblemPage;
}

public sealed record ProblemLink(string Text, string Href);
