using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Hosting;

/// <summary>Loopback is trusted as a proxy by default; here only a proxy elsewhere is, so the test's own requests are not.</summary>
public sealed class UntrustedProxyRoster() : RosterFixture("Sqlite")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Roster:RateLimit:CredentialAttemptsPerMinute"] = "3",
        ["Roster:TrustedProxies:0"] = "10.9.9.9",
    };
}

public sealed class ReverseProxyTests(StrictRateLimitRoster trusted, UntrustedProxyRoster untrusted)
    : IClassFixture<StrictRateLimitRoster>, IClassFixture<UntrustedProxyRoster>
{
    [Fact]
    public async Task BehindATrustedProxyEachPersonsAddressHasItsOwnLimitAndIsAudited()
    {
        using var first = Behind(trusted.Server, "203.0.113.7");
        using var second = Behind(trusted.Server, "203.0.113.8");
        for (var attempt = 0; attempt < 3; attempt++)
            Assert.Equal(HttpStatusCode.OK, (await first.SignInAsync("nobody-" + attempt, "a guessed password")).Status);

        await first.SignInAsync("nobody", "a guessed password", expect: HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await second.SignInAsync("nobody", "a guessed password")).Status);
        var addresses = await trusted.Server.QueryAsync(db => db.AuditEvents.Select(e => e.ClientAddress).ToListAsync());
        Assert.Contains("203.0.113.7", addresses);
    }

    [Fact]
    public async Task AForwardedAddressFromAnUntrustedPeerIsIgnored()
    {
        using var first = Behind(untrusted.Server, "203.0.113.7");
        using var second = Behind(untrusted.Server, "203.0.113.8");
        for (var attempt = 0; attempt < 3; attempt++)
            Assert.Equal(HttpStatusCode.OK, (await first.SignInAsync("nobody", "a guessed password")).Status);

        // Both are the test's own loopback address to Roster: one limit, whatever the headers claim.
        await second.SignInAsync("nobody", "a guessed password", expect: HttpStatusCode.TooManyRequests);
        var addresses = await untrusted.Server.QueryAsync(db => db.AuditEvents.Select(e => e.ClientAddress).ToListAsync());
        Assert.DoesNotContain("203.0.113.7", addresses);
        Assert.Contains("127.0.0.1", addresses);
    }

    [Fact]
    public async Task StrictTransportSecurityIsSentOnlyWhenTheRequestWasHttpsAsATrustedProxySays()
    {
        using var https = new HttpClient { BaseAddress = new Uri(trusted.Server.BaseUrl) };
        https.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var plain = new HttpClient { BaseAddress = new Uri(trusted.Server.BaseUrl) };
        using var forged = new HttpClient { BaseAddress = new Uri(untrusted.Server.BaseUrl) };
        forged.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var behindHttps = await https.GetAsync("/login");
        using var overHttp = await plain.GetAsync("/login");
        using var fromUntrusted = await forged.GetAsync("/login");

        Assert.Equal(["max-age=31536000"], behindHttps.Headers.GetValues("Strict-Transport-Security"));
        Assert.False(overHttp.Headers.Contains("Strict-Transport-Security"));
        Assert.False(fromUntrusted.Headers.Contains("Strict-Transport-Security"));
    }

    private static FormClient Behind(RosterServer server, string forwardedFor)
    {
        var client = server.NewClient();
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }
}
