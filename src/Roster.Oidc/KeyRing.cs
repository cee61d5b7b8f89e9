using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>
/// One active signing key per algorithm. The newest key of an algorithm signs; it is replaced once
/// older than <see cref="SigningKeyOptions.RotateAfter"/>, and a replaced key stays in the JWKS for
/// <see cref="SigningKeyOptions.RetireAfter"/> before it is deleted. Another instance's rotation is seen
/// within a minute.
/// </summary>
public sealed class KeyRing(ISigningKeyStore store, TimeProvider clock, IOptions<SigningKeyOptions> options)
{
    private static readonly TimeSpan Reload = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private IReadOnlyList<StoredSigningKey> keys = [];
    private DateTimeOffset loadedAt = DateTimeOffset.MinValue;

    /// <summary>Credentials of the active key for <paramref name="algorithm"/>, creating the first one if there is none.</summary>
    public async Task<SigningCredentials> SigningCredentialsAsync(string algorithm, CancellationToken cancellationToken = default)
    {
        var active = Active(await CurrentAsync(cancellationToken), algorithm);
        return new SigningCredentials(active.ToSecurityKey(), algorithm);
    }

    /// <summary>Every published key: the active ones and those replaced less than RetireAfter ago.</summary>
    public async Task<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken = default)
    {
        var set = new JsonWebKeySet();
        foreach (var key in await CurrentAsync(cancellationToken))
            set.Keys.Add(key.ToPublicJwk());
        return set;
    }

    private async Task<IReadOnlyList<StoredSigningKey>> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - loadedAt < Reload && !NeedsRotation(keys, now))
            return keys;
        await gate.WaitAsync(cancellationToken);
        try
        {
            keys = await RotateAsync(await store.LoadAsync(cancellationToken), now, cancellationToken);
            loadedAt = now;
            return keys;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Adds a key for every algorithm whose newest key is missing or due, and deletes retired keys.</summary>
    private async Task<IReadOnlyList<StoredSigningKey>> RotateAsync(IReadOnlyList<StoredSigningKey> loaded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var result = new List<StoredSigningKey>();
        foreach (var algorithm in SigningAlgorithms.All)
        {
            var ofAlgorithm = loaded.Where(k => k.Algorithm == algorithm).OrderByDescending(k => k.CreatedAt).ToList();
            if (ofAlgorithm.Count == 0 || now - ofAlgorithm[0].CreatedAt >= settings.RotateAfter)
            {
                var created = StoredSigningKey.Create(algorithm, now);
                await store.AddAsync(created, cancellationToken);
                ofAlgorithm.Insert(0, created);
            }
            // A key is replaced when the next newer one was created; it retires RetireAfter later.
            for (var i = 0; i < ofAlgorithm.Count; i++)
            {
                var replacedAt = i == 0 ? (DateTimeOffset?)null : ofAlgorithm[i - 1].CreatedAt;
                if (replacedAt is { } at && now - at >= settings.RetireAfter)
                    await store.RemoveAsync(ofAlgorithm[i].KeyId, cancellationToken);
                else
                    result.Add(ofAlgorithm[i]);
            }
        }
        return result;
    }

    private bool NeedsRotation(IReadOnlyList<StoredSigningKey> current, DateTimeOffset now) =>
        SigningAlgorithms.All.Any(algorithm => !current.Any(k => k.Algorithm == algorithm && now - k.CreatedAt < options.Value.RotateAfter));

    private static StoredSigningKey Active(IReadOnlyList<StoredSigningKey> current, string algorithm) =>
        current.Where(k => k.Algorithm == algorithm).MaxBy(k => k.CreatedAt)
        ?? throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Roster signs with RS256 or ES256.");
}
