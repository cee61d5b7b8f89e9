using System.Net;
using System.Web;

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

    /// <summary>
    /// Each chain: GET /oidc/authorize in the owner's dashboard session (a confidential client may skip
    /// PKCE), which redirects with a code, then the code at the token endpoint for the first refresh token.
    /// </summary>
    public static async Task<RefreshChains> CreateAsync(
        DashboardClient owner, TokenClient tokens, string clientId, string redirectUri, int chains, int workers, CancellationToken cancellationToken)
    {
        if (chains < workers)
            throw new ArgumentException($"{chains} chains cannot keep {workers} workers busy: each worker needs a chain of its own.");
        var first = new string[chains];
        var authorize = "/oidc/authorize?response_type=code" +
            $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            "&scope=openid%20profile%20email%20groups&state=bench";
        for (var i = 0; i < chains; i++)
        {
            using var response = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Get, authorize), cancellationToken);
            var location = response.Headers.Location;
            if (response.StatusCode != HttpStatusCode.Redirect || location is null || !location.ToString().StartsWith(redirectUri + "?", StringComparison.Ordinal))
                throw new InvalidOperationException($"GET {authorize} answered {(int)response.StatusCode} {location} instead of a redirect to {redirectUri}: " +
                    await response.Content.ReadAsStringAsync(cancellationToken));
            var query = HttpUtility.ParseQueryString(location.Query);
            if (query["code"] is not { } code)
                throw new InvalidOperationException($"The authorization redirect carries no code: {location}");
            var answer = await tokens.RedeemCodeAsync(code, redirectUri, cancellationToken);
            if (!answer.Ok)
                throw new InvalidOperationException($"Redeeming a code answered {answer.Status}: {answer.Failure}");
            first[i] = answer.RefreshToken!;
        }
        return new RefreshChains(first, workers);
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
