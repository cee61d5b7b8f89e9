using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Roster.Oidc;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>The signing key ring through the running server: JWKS over HTTP, keys in the database, rotation on the server's clock.</summary>
public sealed class KeyRingTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    private async Task<JsonWebKeySet> JwksAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        using var response = await http.GetAsync(OidcPaths.Jwks);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    private async Task<string> SignAsync(string algorithm)
    {
        var credentials = await Server.App.Services.GetRequiredService<KeyRing>().SigningCredentialsAsync(algorithm);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Server.BaseUrl, Audience = "test-app", Subject = new System.Security.Claims.ClaimsIdentity([new("sub", "someone")]),
            SigningCredentials = credentials, Expires = Server.Clock.GetUtcNow().UtcDateTime.AddMinutes(5), IssuedAt = Server.Clock.GetUtcNow().UtcDateTime,
            NotBefore = Server.Clock.GetUtcNow().UtcDateTime,
        });
    }

    private static async Task<bool> ValidatesAsync(string token, JsonWebKeySet keys)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false, ValidAudience = "test-app", ValidateLifetime = false, IssuerSigningKeys = keys.GetSigningKeys(),
        });
        return result.IsValid;
    }

    [Fact]
    public async Task KeysRotateAndReplacedOnesStayPublishedUntilTheyRetire()
    {
        foreach (var algorithm in SigningAlgorithms.All)
            Assert.True(await ValidatesAsync(await SignAsync(algorithm), await JwksAsync()), $"{algorithm} token does not validate against the JWKS");
        var before = await JwksAsync();
        Assert.Equal(["ES256", "RS256"], before.Keys.Select(k => k.Alg).Order());
        Assert.All(before.Keys, k => Assert.False(k.HasPrivateKey));
        var oldToken = await SignAsync(SigningAlgorithms.RS256);

        Server.Clock.Advance(TimeSpan.FromDays(91));
        var rotated = await JwksAsync();
        // Published at once, signing only once every instance has reloaded it.
        var whilePublishedAhead = await SignAsync(SigningAlgorithms.RS256);
        Server.Clock.Advance(KeyRing.PublishAhead);
        var newToken = await SignAsync(SigningAlgorithms.RS256);

        Assert.Equal(4, rotated.Keys.Count);
        Assert.Equal(new JsonWebToken(oldToken).Kid, new JsonWebToken(whilePublishedAhead).Kid);
        Assert.NotEqual(new JsonWebToken(oldToken).Kid, new JsonWebToken(newToken).Kid);
        Assert.Contains(rotated.Keys, k => k.Kid == new JsonWebToken(newToken).Kid);
        Assert.True(await ValidatesAsync(oldToken, rotated), "a token of the replaced key stops validating before the key retires");
        Assert.True(await ValidatesAsync(newToken, rotated));

        Server.Clock.Advance(TimeSpan.FromDays(3));
        var retired = await JwksAsync();

        Assert.Equal(2, retired.Keys.Count);
        Assert.False(await ValidatesAsync(oldToken, retired));
        Assert.True(await ValidatesAsync(newToken, retired));
        Assert.Equal(2, await Server.QueryAsync(db => db.OidcSigningKeys.CountAsync()));
    }

    [Fact]
    public async Task PrivateKeysAreStoredEncrypted()
    {
        await JwksAsync();
        var stored = await Server.QueryAsync(db => db.OidcSigningKeys.AsNoTracking().ToListAsync());
        var loaded = await Server.App.Services.GetRequiredService<ISigningKeyStore>().LoadAsync(CancellationToken.None);

        Assert.NotEmpty(stored);
        foreach (var row in stored)
        {
            var plain = loaded.Single(k => k.KeyId == row.KeyId).PrivateKey;
            Assert.NotEqual(Convert.ToBase64String(plain), row.ProtectedPrivateKey);
            Assert.DoesNotContain(Convert.ToBase64String(plain)[..24], row.ProtectedPrivateKey);
        }
    }

    [Fact]
    public async Task RequestsThatFindTheKeysStaleTogetherReloadThemOnceAndKeepTheParsedKeys()
    {
        var store = new CountingStore();
        var clock = new ManualClock();
        var ring = new KeyRing(store, clock, Options.Create(new SigningKeyOptions()));
        var first = await ring.SigningCredentialsAsync(SigningAlgorithms.RS256);
        Assert.Equal(1, store.Loads);

        clock.Advance(TimeSpan.FromMinutes(2));
        store.Delay = new TaskCompletionSource();
        var stale = Enumerable.Range(0, 20).Select(_ => ring.SigningCredentialsAsync(SigningAlgorithms.RS256)).ToList();
        store.Delay.SetResult();
        var reloaded = await Task.WhenAll(stale);

        Assert.Equal(2, store.Loads);
        // The same key, not imported again: the very object the first load made.
        Assert.All(reloaded, credentials => Assert.Same(first, credentials));
    }

    /// <summary>Keys in memory, counting loads; a load can be held back so requests pile up behind it.</summary>
    private sealed class CountingStore : ISigningKeyStore
    {
        private readonly List<StoredSigningKey> keys = [];
        public int Loads;
        public TaskCompletionSource? Delay;

        public async Task<IReadOnlyList<StoredSigningKey>> LoadAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Loads);
            if (Delay is { } delay)
                await delay.Task;
            return [.. keys];
        }

        public Task AddAsync(StoredSigningKey key, CancellationToken cancellationToken)
        {
            keys.Add(key);
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string keyId, CancellationToken cancellationToken)
        {
            keys.RemoveAll(k => k.KeyId == keyId);
            return Task.CompletedTask;
        }
    }
}
