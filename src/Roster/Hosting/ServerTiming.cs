using System.Diagnostics;
using System.Globalization;

namespace Roster.Hosting;

public static class ServerTiming
{
    /// <summary>
    /// Tells clients how long the server spent on each response ("Server-Timing: app;dur=…", milliseconds),
    /// so latency can be measured without the network or the client in the figure.
    /// </summary>
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            context.Response.Headers["Server-Timing"] = $"app;dur={elapsed.ToString("0.0", CultureInfo.InvariantCulture)}";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
