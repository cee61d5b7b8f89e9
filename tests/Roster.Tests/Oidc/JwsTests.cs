using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Roster.Oidc;

namespace Roster.Tests.Oidc;

/// <summary>Roster's JWS writer, checked by a reader it did not write: Microsoft.IdentityModel's JsonWebTokenHandler.</summary>
public sealed class JwsTests
{
    private static readonly Dictionary<string, object> Claims = new()
    {
        ["sub"] = "someone",
        ["iat"] = 1_795_000_000L,
        ["email_verified"] = true,
        ["groups"] = new[] { "family", "admins" },
        ["events"] = new Dictionary<string, object> { [TokenIssuer.BackChannelLogoutEvent] = new Dictionary<string, object>() },
    };

    public static TheoryData<string> Algorithms => [SigningAlgorithms.RS256, SigningAlgorithms.ES256];

    private static SecurityKey KeyFor(string algorithm) => algorithm == SigningAlgorithms.RS256
        ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-key" }
        : new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-key" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task ASignedTokenValidatesWithItsKeyAndCarriesTheHeaderAndClaimsAsWritten(string algorithm)
    {
        var key = KeyFor(algorithm);

        var token = Jws.Sign(key, algorithm, "at+jwt", Claims);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false,
            ValidAlgorithms = [algorithm], ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal((algorithm, key.KeyId, "at+jwt"), (jwt.Alg, jwt.Kid, jwt.Typ));
        Assert.Equal("someone", jwt.Subject);
        Assert.Equal(1_795_000_000L, jwt.GetPayloadValue<long>("iat"));
        Assert.True(jwt.GetPayloadValue<bool>("email_verified"));
        Assert.Equal(["family", "admins"], jwt.GetPayloadValue<string[]>("groups"));
        using var events = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        Assert.Equal(JsonValueKind.Object, events.RootElement.GetProperty("events").GetProperty(TokenIssuer.BackChannelLogoutEvent).ValueKind);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task ATokenWithOneChangedClaimNoLongerValidates(string algorithm)
    {
        var key = KeyFor(algorithm);
        var parts = Jws.Sign(key, algorithm, "at+jwt", Claims).Split('.');
        var forged = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("someone", "someone-else"));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync($"{parts[0]}.{forged}.{parts[2]}", new TokenValidationParameters
        {
            IssuerSigningKey = key, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false,
        });

        Assert.False(result.IsValid);
    }

    [Fact]
    public void AKeyOfTheWrongKindForTheAlgorithmSignsNothing() =>
        Assert.Throws<NotSupportedException>(() => Jws.Sign(KeyFor(SigningAlgorithms.ES256), SigningAlgorithms.RS256, "at+jwt", Claims));
}
