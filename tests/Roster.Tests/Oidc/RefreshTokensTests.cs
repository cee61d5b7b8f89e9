using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Roster.Oidc;

namespace Roster.Tests.Oidc;

/// <summary>The sealed refresh token's format: what goes in comes out, and nothing Roster did not seal in this version opens.</summary>
public sealed class RefreshTokensTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static readonly RefreshTokenContent Content = new(
        Guid.NewGuid(), Generation: 7, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), Subject: Guid.NewGuid().ToString(),
        SessionId: "séance-42", AuthTime: DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), Scope: "openid profile email groups");

    private sealed class FixedKey(byte[] key) : IRefreshTokenKeyStore
    {
        public Task<byte[]> GetOrCreateAsync(CancellationToken cancellationToken) => Task.FromResult(key);
    }

    [Fact]
    public async Task ASealedTokenOpensToWhatWasSealed()
    {
        var tokens = new RefreshTokens(new FixedKey(Key));

        var opened = await tokens.OpenAsync(await tokens.SealAsync(Content, default), default);

        Assert.Equal(Content, opened);
    }

    [Fact]
    public async Task ATokenSealedWithAnotherKeyOrCutShortDoesNotOpen()
    {
        var tokens = new RefreshTokens(new FixedKey(Key));
        var token = await tokens.SealAsync(Content, default);

        Assert.Null(await new RefreshTokens(new FixedKey(RandomNumberGenerator.GetBytes(32))).OpenAsync(token, default));
        Assert.Null(await tokens.OpenAsync(token[..^8], default));
        Assert.Null(await tokens.OpenAsync(token[..10], default));
        Assert.Null(await tokens.OpenAsync("not base64url!", default));
    }

    /// <summary>Version 1 carried the grant, generation, expiry and scope only; its tokens are refused, not misread.</summary>
    [Fact]
    public async Task AVersion1TokenWithAValidMacDoesNotOpen()
    {
        var body = new byte[1 + 16 + 4 + 8 + 6];
        body[0] = 1;
        Content.GrantId.TryWriteBytes(body.AsSpan(1));
        "openid"u8.CopyTo(body.AsSpan(29));
        var token = Base64UrlEncoder.Encode([.. body, .. HMACSHA256.HashData(Key, body)]);

        Assert.Null(await new RefreshTokens(new FixedKey(Key)).OpenAsync(token, default));
    }
}
