namespace Roster.Bench;

/// <summary>
/// Refresh-token chains, one per sign-in of the owner to the bench app. Roster rotates refresh tokens and
/// revokes the whole grant when a used one comes back (RFC 9700 section 4.14.2), so each chain belongs to
/// exactly one worker, which always sends the chain's latest token.
/// </summary>
public sealed class RefreshChains
{
    private readonly string[] latest;
    private readonly int workers;
    private readonly int[] cursor;

    private RefreshChains(string[] tokens, int workers)
    {
        latest = tokens;
        this.workers = workers;
        cursor = new int[workers];
    }

    public int Count => latest.Length;

    /// <summary>Chains whose first refresh tokens another server made (the oidc-provider peer).</summary>
    public static RefreshChains FromTokens(IEnumerable<string> tokens, int workers)
    {
        var first = tokens.ToArray();
        if (first.Length < workers)
            throw new ArgumentException($"{first.Length} chains cannot keep {workers} workers busy: each worker needs a chain of its own.");
        return new RefreshChains(first, workers);
    }

    /// <summary>Each chain starts with a sign-in of the owner to the app (<see cref="CodeFlow"/>), whose refresh token it then rotates.</summary>
    public static async Task<RefreshChains> CreateAsync(CodeFlow signIn, int chains, int workers, CancellationToken cancellationToken)
    {
        var first = new string[chains];
        for (var i = 0; i < chains; i++)
        {
            var answer = await signIn.RunAsync(cancellationToken);
            if (!answer.Ok)
                throw new InvalidOperationException($"A sign-in to the app answered {answer.Status}: {answer.Failure}");
            first[i] = answer.RefreshToken!;
        }
        return FromTokens(first, workers);
    }

    /// <summary>
    /// One refresh on the next of <paramref name="worker"/>'s chains (chains worker, worker + workers, …,
    /// in turn). Only that worker touches them, so no lock; a failed chain is left as it is, and the
    /// worker stops at its first failure anyway.
    /// </summary>
    public async Task<TokenAnswer> RefreshNextAsync(TokenClient tokens, int worker, CancellationToken cancellationToken)
    {
        var owned = (latest.Length - worker + workers - 1) / workers;
        var chain = worker + cursor[worker] * workers;
        cursor[worker] = (cursor[worker] + 1) % owned;
        var answer = await tokens.RefreshAsync(latest[chain], cancellationToken);
        if (answer.Ok)
            latest[chain] = answer.RefreshToken!;
        return answer;
    }
}
