using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>
/// One active signing key per algorithm. A key is replaced once older than
/// <see cref="SigningKeyOptions.RotateAfter"/>: its successor is published at once but signs only
/// <see cref="PublishAhead"/> later, so every instance (each reloads the keys every minute) and every app
/// that fetched the JWKS meanwhile already knows it. A replaced key stays in the JWKS for
/// <see cref="SigningKeyOptions.RetireAfter"/> after its successor took over, then it is deleted.
/// </summary>
public sealed class KeyRing(ISigningKeyStore store, TimeProvider clock, IOptions<SigningKeyOptions> options)
{
    private static readonly TimeSpan Reload = TimeSpan.FromMinutes(1);

    /// <summary>How long apps and proxies may keep the JWKS (its <c>Cache-Control: max-age</c>).</summary>
    public static readonly TimeSpan JwksCacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a new key is published before it signs: two reloads, so no instance can miss it, and then as
    /// long as a cached JWKS may be served, so no app meets a token whose key its cached copy lacks.
    /// </summary>
    public static readonly TimeSpan PublishAhead = 2 * Reload + JwksCacheLifetime;
    private readonly SemaphoreSlim gate = new(1, 1);
    private Snapshot current = new([], [], [], [], DateTimeOffset.MinValue);

    /// <summary>
    /// The keys as last loaded, parsed once: importing a private key costs more than signing with it.
    /// Replaced whole, so a reader never sees keys from one load and credentials from another. It holds
    /// until <see cref="ValidUntil"/>: the next reload, or sooner the moment a key is due for rotation or a
    /// published key starts signing, so a token request only looks up its algorithm.
    /// </summary>
    private sealed record Snapshot(
        IReadOnlyList<StoredSigningKey> Keys,
        Dictionary<string, SigningCredentials> CredentialsById,
        Dictionary<string, SigningCredentials> SigningByAlgorithm,
        SecurityKey[] ValidationKeys,
        DateTimeOffset ValidUntil);

    /// <summary>Credentials of the active key for <paramref name="algorithm"/>, creating the first one if there is none.</summary>
    public async Task<SigningCredentials> SigningCredentialsAsync(string algorithm, CancellationToken cancellationToken = default) =>
        (await CurrentAsync(cancellationToken)).SigningByAlgorithm.TryGetValue(algorithm, out var credentials)
            ? credentials
            : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Roster signs with RS256 or ES256.");

    /// <summary>Every published key, to check tokens Roster signed.</summary>
    public async Task<IReadOnlyList<SecurityKey>> ValidationKeysAsync(CancellationToken cancellationToken = default) =>
        (await CurrentAsync(cancellationToken)).ValidationKeys;

    /// <summary>Every published key: the active ones and those replaced less than RetireAfter ago.</summary>
    public async Task<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken = default)
    {
        var set = new JsonWebKeySet();
        foreach (var key in (await CurrentAsync(cancellationToken)).Keys)
            set.Keys.Add(key.ToPublicJwk());
        return set;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (clock.GetUtcNow() < snapshot.ValidUntil)
            return snapshot;
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Requests that found the snapshot stale together reload it once: the first one through.
            var now = clock.GetUtcNow();
            if (now < current.ValidUntil)
                return current;
            var loaded = await RotateAsync(await store.LoadAsync(cancellationToken), now, cancellationToken);
            // A key id always names the same key, so keys already parsed are kept rather than imported again.
            var credentials = loaded.ToDictionary(k => k.KeyId, k => current.CredentialsById.GetValueOrDefault(k.KeyId)
                ?? new SigningCredentials(k.ToSecurityKey(), k.Algorithm));
            var signing = SigningAlgorithms.All.ToDictionary(a => a, a => credentials[Active(loaded, a, now).KeyId]);
            current = new Snapshot(loaded, credentials, signing, [.. credentials.Values.Select(c => c.Key)], NextReload(loaded, now));
            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The next reload, or sooner: the first moment a published key starts signing, or the newest key of an algorithm is due.</summary>
    private DateTimeOffset NextReload(IReadOnlyList<StoredSigningKey> keys, DateTimeOffset now)
    {
        var until = now + Reload;
        foreach (var key in keys)
        {
            if (key.CreatedAt + PublishAhead is var signsFrom && signsFrom > now && signsFrom < until)
                until = signsFrom;
        }
        foreach (var algorithm in SigningAlgorithms.All)
        {
            var due = keys.Where(k => k.Algorithm == algorithm).Max(k => k.CreatedAt) + options.Value.RotateAfter;
            if (due < until)
                until = due;
        }
        return until;
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
            // A key is replaced when the next newer one starts signing; it retires RetireAfter later.
            for (var i = 0; i < ofAlgorithm.Count; i++)
            {
                var replacedAt = i == 0 ? (DateTimeOffset?)null : ofAlgorithm[i - 1].CreatedAt + PublishAhead;
                if (replacedAt is { } at && now - at >= settings.RetireAfter)
                    await store.RemoveAsync(ofAlgorithm[i].KeyId, cancellationToken);
                else
                    result.Add(ofAlgorithm[i]);
            }
        }
        return result;
    }

    /// <summary>The newest key published for at least <see cref="PublishAhead"/>; the newest of all when none is (the very first key).</summary>
    private static StoredSigningKey Active(IReadOnlyList<StoredSigningKey> current, string algorithm, DateTimeOffset now)
    {
        var keys = current.Where(k => k.Algorithm == algorithm).OrderByDescending(k => k.CreatedAt).ToList();
        if (keys.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Roster signs with RS256 or ES256.");
        return keys.FirstOrDefault(k => now - k.CreatedAt >= PublishAhead) ?? keys[0];
    }
}
