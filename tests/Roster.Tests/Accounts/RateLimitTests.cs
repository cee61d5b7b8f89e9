using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

public sealed class StrictRateLimitRoster() : RosterFixture("Sqlite")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Roster:RateLimit:CredentialAttemptsPerMinute"] = "3" };
}

public sealed class RateLimitTests(StrictRateLimitRoster fixture) : IClassFixture<StrictRateLimitRoster>
{
    [Fact]
    public async Task CredentialPostsFromOneAddressAreThrottledWhilePagesStillLoad()
    {
        using var browser = fixture.Server.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
            statuses.Add((await browser.SignInAsync("someone", "a guessed password")).Status);

        var throttledSignIn = await browser.SignInAsync("someone", "a guessed password", expect: HttpStatusCode.TooManyRequests);
        var throttledReset = await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = "someone" }, expect: HttpStatusCode.TooManyRequests);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledSignIn.Status);
        Assert.Contains("Too many attempts", throttledSignIn.Text);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledReset.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/login")).Status);
    }
}

public sealed class ApiTokenRateLimitTests(StrictRateLimitRoster fixture) : IClassFixture<StrictRateLimitRoster>
{
    [Fact]
    public async Task WrongApiTokensFromOneAddressAreThrottledEvenBeforeARightOne()
    {
        var (user, _) = await fixture.Server.SignedInAsync(Roster.Kernel.Role.User);
        using var good = await fixture.Server.ApiClientAsync(user);
        using var bad = new HttpClient { BaseAddress = new Uri(fixture.Server.BaseUrl) };
        bad.DefaultRequestHeaders.Authorization = new("Bearer", "rst_guessed");
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/v1/users")).StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
            statuses.Add((await bad.GetAsync("/api/v1/users")).StatusCode);
        using var afterwards = await good.GetAsync("/api/v1/users");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterwards.StatusCode);
        Assert.Equal("60", afterwards.Headers.RetryAfter?.ToString());
    }
}
