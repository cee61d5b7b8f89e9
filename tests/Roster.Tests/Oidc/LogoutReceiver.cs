using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Tests.Oidc;

/// <summary>
/// An app's back-channel logout endpoint on real Kestrel: it refuses the first <c>failFirst</c> deliveries
/// (so Roster must retry) and checks each logout token as Back-Channel Logout 1.0 section 2.6 tells a
/// relying party to, with the keys and issuer from Roster's discovery document.
/// </summary>
public sealed class LogoutReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<string> received = new();
    private int refusalsLeft;

    private LogoutReceiver(WebApplication app, int failFirst)
    {
        this.app = app;
        refusalsLeft = failFirst;
    }

    public string Url { get; private set; } = "";

    public int Refused { get; private set; }

    public static async Task<LogoutReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LogoutReceiver(app, failFirst);
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
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/backchannel-logout";
        return receiver;
    }

    /// <summary>The next logout token about <paramref name="subject"/>, once it arrives.</summary>
    public Task<string> TokenForAsync(string subject) => Infrastructure.Eventually.GetAsync(
        () => Task.FromResult(received.FirstOrDefault(t => new JsonWebToken(t).Subject == subject)), $"a logout token for {subject}");

    public int Count(string subject) => TokensFor(subject).Count;

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

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
