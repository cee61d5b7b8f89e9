using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// An app's own server on real Kestrel, as Roster meets it: a redirect URI (<c>/callback</c>), a page to
/// land on after signing out (<c>/signed-out</c>), and a back-channel logout endpoint that refuses the
/// first <c>failFirst</c> deliveries (so Roster must retry). Logout tokens are checked as Back-Channel
/// Logout 1.0 section 2.6 tells a relying party to, with the keys and issuer from Roster's discovery.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private LoopbackSite site = null!;
    private readonly ConcurrentQueue<string> received = new();
    private readonly ConcurrentQueue<string> visits = new();
    private int refusalsLeft;

    private TestApp(int failFirst) => refusalsLeft = failFirst;

    public string Origin => site.Origin;

    public string Url => Origin + "/backchannel-logout";

    public string CallbackUrl => Origin + "/callback";

    public string SignedOutUrl => Origin + "/signed-out";

    public int Refused { get; private set; }

    public static async Task<TestApp> StartAsync(int failFirst = 0)
    {
        var receiver = new TestApp(failFirst);
        receiver.site = await LoopbackSite.StartAsync(_ => { }, app =>
        {
            app.MapPost("/backchannel-logout", async (HttpRequest request) =>
            {
                if (Interlocked.Decrement(ref receiver.refusalsLeft) >= 0)
                {
                    receiver.Refused++;
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
                var form = await request.ReadFormAsync();
                receiver.received.Enqueue(form["logout_token"].ToString());
                return Results.Ok();
            });
            foreach (var page in new[] { "/callback", "/signed-out" })
                app.MapGet(page, (HttpRequest request) =>
                {
                    receiver.visits.Enqueue(receiver.Origin + request.Path + request.QueryString);
                    return Results.Content($"<!doctype html><title>Test app</title><h1>Test app {request.Path}</h1>", "text/html");
                });
        });
        return receiver;
    }

    /// <summary>The next logout token about <paramref name="subject"/>, once it arrives.</summary>
    public Task<string> TokenForAsync(string subject) => Eventually.GetAsync(
        () => Task.FromResult(received.FirstOrDefault(t => new JsonWebToken(t).Subject == subject)), $"a logout token for {subject}");

    /// <summary>The first full URL the browser was sent to on this page (e.g. the callback with its code), once it happens.</summary>
    public Task<string> VisitAsync(string page) => Eventually.GetAsync(
        () => Task.FromResult(visits.FirstOrDefault(v => v.StartsWith(Origin + page, StringComparison.Ordinal))), $"a visit to {page}");

    public int Count(string subject) => TokensFor(subject).Count;

    /// <summary>Every logout token received so far.</summary>
    public IReadOnlyCollection<string> Received => received;

    /// <summary>Ends the refusals <c>failFirst</c> asked for: every notice from now on is taken.</summary>
    public void AcceptFromNowOn() => Interlocked.Exchange(ref refusalsLeft, 0);

    public List<string> TokensFor(string subject) => [.. received.Where(t => new JsonWebToken(t).Subject == subject)];

    /// <summary>Validates a logout token the way a relying party must; returns the validated token or throws why not.</summary>
    public static async Task<JsonWebToken> ValidateAsync(string token, string issuer, string clientId)
    {
        var configuration = await new ConfigurationManager<OpenIdConnectConfiguration>(
            issuer + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidTypes = ["logout+jwt"],
            // Roster's clock in the tests is a manual one; the signature, issuer and audience are what matter here.
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var validated = (JsonWebToken)result.SecurityToken;
        Assert.True(validated.TryGetPayloadValue<Dictionary<string, object>>("events", out var events) &&
            events.ContainsKey("http://schemas.openid.net/event/backchannel-logout"), "the logout token carries the back-channel logout event");
        Assert.False(validated.TryGetClaim("nonce", out _), "a logout token has no nonce");
        Assert.False(string.IsNullOrEmpty(validated.Id), "a logout token has a jti");
        return validated;
    }

    public ValueTask DisposeAsync() => site.DisposeAsync();
}
