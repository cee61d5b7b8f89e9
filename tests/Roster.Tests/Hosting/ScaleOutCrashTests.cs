using System.Net;
using System.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;

namespace Roster.Tests.Hosting;

/// <summary>Two instances whose mail cannot go out yet, retried quickly once it can.</summary>
public sealed class TwoInstancesMailDown : TwoInstances
{
    protected override bool SmtpAtOnce => false;

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings =>
    [
        new("Roster:Smtp:RetryDelay", "00:00:00.2"),
        new("Roster:Smtp:MaxRetryDelay", "00:00:01"),
    ];
}

/// <summary>
/// An instance dies the hard way (SIGKILL) in the middle of sign-ins, sign-outs and password resets on both:
/// what it had queued — emails, and the logout notices for the apps of the sessions it ended — goes out
/// through the other instance, and the other instance goes on serving.
/// </summary>
public sealed class ScaleOutCrashTests(TwoInstancesMailDown instances) : IClassFixture<TwoInstancesMailDown>
{
    private const int Rounds = 6;

    [Fact]
    public async Task KillingAMidLoadLosesNoQueuedEmailOrLogoutNoticeAndBGoesOnServing()
    {
        // The app refuses its notices until A is dead, so those A queued are still queued when it dies.
        await using var app = await TestApp.StartAsync(failFirst: int.MaxValue);
        var created = await instances.CliAsync("app", "create", "--name", "Crash test app", "--url", "https://app.example.org",
            "--redirect-uri", TwoInstances.RedirectUri, "--backchannel-logout-uri", app.Url, "--confidential");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var clientId = created.Stdout.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Client ID: ", StringComparison.Ordinal))["Client ID: ".Length..];

        var mailed = 0;
        var signedOut = 0;
        async Task LoadAsync(RosterProcess instance, int rounds)
        {
            for (var round = 0; round < rounds; round++)
            {
                using var browser = new FormClient(instance.Url);
                Assert.Equal(HttpStatusCode.OK, (await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = "owner" })).Status);
                Interlocked.Increment(ref mailed);
                Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("owner", TwoInstances.OwnerPassword)).Status);
                var authorized = await browser.GetAsync("/oidc/authorize?response_type=code&scope=openid&state=s" +
                    $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(TwoInstances.RedirectUri)}" +
                    $"&code_challenge={Oidc.RelyingParty.NewPkce().Challenge}&code_challenge_method=S256", expect: HttpStatusCode.Redirect);
                Assert.NotNull(HttpUtility.ParseQueryString(new Uri(authorized.Location!).Query)["code"]);
                Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/logout", new Dictionary<string, string>())).Status);
                Interlocked.Increment(ref signedOut);
            }
        }

        // Both take load; A dies right after its share, with its mail and notices still queued, while B's goes on.
        var onB = LoadAsync(instances.B, 2 * Rounds);
        await LoadAsync(instances.A, Rounds);
        instances.A.Kill();
        await onB;
        await instances.StartSmtpAsync();
        app.AcceptFromNowOn();

        var expectedMail = Volatile.Read(ref mailed);
        var expectedNotices = Volatile.Read(ref signedOut);
        await Eventually.GetAsync(() => Task.FromResult(instances.Smtp.Messages.Count >= expectedMail ? "" : null), $"{expectedMail} emails", TimeSpan.FromSeconds(60));
        await Eventually.GetAsync(() => Task.FromResult(app.Received.Count >= expectedNotices ? "" : null), $"{expectedNotices} logout notices", TimeSpan.FromSeconds(60));
        // A duplicate would come within a few outbox polls.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(expectedMail, instances.Smtp.Messages.Select(m => m.MessageId).Distinct().Count());
        // One notice per ended session: each sign-out ended a session of its own.
        Assert.Equal(expectedNotices, app.Received.Select(t => new JsonWebToken(t).GetClaim("sid").Value).Distinct().Count());
        using var stillServing = new FormClient(instances.B.Url);
        Assert.Equal(HttpStatusCode.Redirect, (await stillServing.SignInAsync("owner", TwoInstances.OwnerPassword)).Status);
    }
}
