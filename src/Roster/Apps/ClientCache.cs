using System.Collections.Concurrent;

using Roster.Oidc;

namespace Roster.Apps;

/// <summary>
/// Clients as recently read, for a few seconds: the token endpoint reads its client on every request,
/// and the row changes only when someone edits the app. A change made on this instance is seen at once
/// (the app's settings forget it); one made on another instance within <see cref="Lifetime"/>.
/// </summary>
public sealed class ClientCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    public sealed record Entry(OidcClient? Client, string? SecretHash, DateTimeOffset ReadAt);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public Entry? Find(string clientId) =>
        entries.TryGetValue(clientId, out var entry) && clock.GetUtcNow() - entry.ReadAt < Lifetime ? entry : null;

    public Entry Remember(string clientId, OidcClient? client, string? secretHash)
    {
        // Bounded: ids that name no app are remembered too (a flood of made-up ids must not reach the
        // database each time), so the cache is emptied rather than allowed to grow without end.
        if (entries.Count > 10_000)
            entries.Clear();
        return entries[clientId] = new Entry(client, secretHash, clock.GetUtcNow());
    }

    public void Forget(string clientId) => entries.TryRemove(clientId, out _);
}
