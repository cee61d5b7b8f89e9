using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Hosting;

/// <summary>The one client for addresses people configure, against real Kestrel sites on 127.0.0.1.</summary>
public sealed class OutboundHttpTests
{
    private static readonly OutboundHttp Http = new();

    private static FormUrlEncodedContent Form() => new([KeyValuePair.Create("logout_token", "x")]);

    [Fact]
    public async Task ALoopbackTargetIsRefusedUnlessAnAdminChoseIt()
    {
        var hits = 0;
        await using var site = await LoopbackSite.StartAsync(_ => { }, app => app.MapPost("/hook", () => { Interlocked.Increment(ref hits); return Results.Ok(); }));
        var byName = new Uri(site.Origin.Replace("127.0.0.1", "localhost") + "/hook");

        var literal = await Http.PostAsync(new Uri(site.Origin + "/hook"), Form(), allowPrivate: false, CancellationToken.None);
        var named = await Http.PostAsync(byName, Form(), allowPrivate: false, CancellationToken.None);
        Assert.Equal(0, hits);
        var trusted = await Http.PostAsync(byName, Form(), allowPrivate: true, CancellationToken.None);

        Assert.Equal("outbound.refused_address", Assert.Single(literal.Errors).Code);
        Assert.Contains("loopback or private", Assert.Single(named.Errors).Message);
        Assert.Equal(HttpStatusCode.OK, trusted.Value!.Status);
        Assert.Equal(1, hits);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://100.100.100.200/latest/meta-data/")]
    [InlineData("http://0.0.0.0:9/")]
    public async Task AMetadataOrReservedAddressIsRefusedEvenForAnAdminWithoutConnecting(string target)
    {
        var timer = Stopwatch.StartNew();

        var result = await Http.PostAsync(new Uri(target), Form(), allowPrivate: true, CancellationToken.None);

        Assert.Contains("never contacts", Assert.Single(result.Errors).Message);
        // Refused before any connection is tried, so well inside the connect timeout.
        Assert.True(timer.Elapsed < OutboundHttp.ConnectTimeout, $"took {timer.Elapsed}");
    }

    [Fact]
    public async Task ARedirectFromTheTargetIsNotFollowed()
    {
        var redirected = 0;
        await using var site = await LoopbackSite.StartAsync(_ => { }, app =>
        {
            app.MapPost("/hook", () => Results.Redirect("/elsewhere", permanent: false, preserveMethod: true));
            app.MapPost("/elsewhere", () => { Interlocked.Increment(ref redirected); return Results.Ok(); });
        });

        var result = await Http.PostAsync(new Uri(site.Origin + "/hook"), Form(), allowPrivate: true, CancellationToken.None);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, result.Value!.Status);
        Assert.False(result.Value.Succeeded);
        Assert.Equal(0, redirected);
    }

    [Fact]
    public async Task AnEndlessResponseBodyIsReadOnlyUpToTheCap()
    {
        var stopped = new TaskCompletionSource();
        await using var site = await LoopbackSite.StartAsync(_ => { }, app => app.MapPost("/hook", async (HttpContext context) =>
        {
            var chunk = new byte[8192];
            Array.Fill(chunk, (byte)'a');
            try
            {
                // Far more than any socket buffer: without the cap the client reads until its timeout.
                for (var i = 0; i < 1_000_000 && !context.RequestAborted.IsCancellationRequested; i++)
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
            stopped.TrySetResult();
        }));
        var timer = Stopwatch.StartNew();

        var result = await Http.PostAsync(new Uri(site.Origin + "/hook"), Form(), allowPrivate: true, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, result.Value!.Status);
        Assert.Equal(OutboundHttp.MaxResponseBytes, result.Value.Body.Length);
        Assert.True(result.Value.Truncated);
        Assert.True(timer.Elapsed < OutboundHttp.RequestTimeout, $"took {timer.Elapsed}");
        // The client hung up rather than draining the rest.
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task NoCookieATargetSetsIsSentBack()
    {
        var cookies = new List<string>();
        await using var site = await LoopbackSite.StartAsync(_ => { }, app => app.MapPost("/hook", (HttpContext context) =>
        {
            lock (cookies)
                cookies.Add(context.Request.Headers.Cookie.ToString());
            context.Response.Headers.SetCookie = "session=stolen; Path=/";
            return Results.Ok();
        }));

        await Http.PostAsync(new Uri(site.Origin + "/hook"), Form(), allowPrivate: true, CancellationToken.None);
        await Http.PostAsync(new Uri(site.Origin + "/hook"), Form(), allowPrivate: true, CancellationToken.None);

        Assert.Equal(["", ""], cookies);
    }
}
