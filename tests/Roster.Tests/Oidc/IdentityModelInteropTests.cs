using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// A second relying-party stack, Microsoft.IdentityModel.Protocols.OpenIdConnect (what ASP.NET Core's
/// OpenID Connect handler uses), reads Roster's discovery document and JWKS and validates its tokens.
/// </summary>
public sealed class IdentityModelInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task TokensValidateAgainstTheDiscoveryDocument(string algorithm)
    {
        var app = await RelyingParty.RegisterAsync(Server, "Portal" + algorithm, algorithm: algorithm);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (_, body, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var configuration = await new ConfigurationManager<OpenIdConnectConfiguration>(
            Server.BaseUrl + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false })
            .GetConfigurationAsync(CancellationToken.None);

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = app.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [algorithm],
            LifetimeValidator = (notBefore, expires, _, _) => expires > Server.Clock.GetUtcNow().UtcDateTime,
        };
        var handler = new JsonWebTokenHandler();
        var id = await handler.ValidateTokenAsync(body.GetProperty("id_token").GetString(), parameters);
        var access = await handler.ValidateTokenAsync(body.GetProperty("access_token").GetString(), parameters);

        Assert.True(id.IsValid, id.Exception?.Message);
        Assert.True(access.IsValid, access.Exception?.Message);
        Assert.Equal(user.Id.ToString(), ((JsonWebToken)id.SecurityToken).Subject);
        Assert.Equal("at+jwt", ((JsonWebToken)access.SecurityToken).Typ);
        // The same protocol checks the ASP.NET Core handler makes on an ID token: nonce, times, required claims.
        new OpenIdConnectProtocolValidator { RequireStateValidation = false, RequireTimeStampInNonce = false }.ValidateAuthenticationResponse(new()
        {
            ProtocolMessage = new OpenIdConnectMessage { IdToken = body.GetProperty("id_token").GetString() },
            ValidatedIdToken = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(body.GetProperty("id_token").GetString()),
            Nonce = "nonce-456",
            ClientId = app.ClientId,
        });
        var forged = body.GetProperty("id_token").GetString()![..^4] + "AAAA";
        Assert.False((await handler.ValidateTokenAsync(forged, parameters)).IsValid);
    }
}
