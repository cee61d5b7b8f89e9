using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace Roster.Bench;

/// <summary>
/// The authorization code flow end to end for a person already signed in to the dashboard, as an app's
/// "Log in with Roster" button runs it: GET /oidc/authorize with PKCE S256 (RFC 7636) in the person's
/// session, which redirects back with a code at once, then the code and its verifier at the token endpoint
/// for an ID token, an access token and a refresh token.
/// </summary>
public sealed class CodeFlow(DashboardClient person, TokenClient tokens, string clientId, string redirectUri, string scope = "openid profile email groups")
{
    public async Task<TokenAnswer> RunAsync(CancellationToken cancellationToken)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/oidc/authorize?response_type=code" +
            $"&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            $"&scope={Uri.EscapeDataString(scope)}&state=bench&nonce={Base64Url(RandomNumberGenerator.GetBytes(12))}" +
            $"&code_challenge={challenge}&code_challenge_method=S256";
        using var response = await person.SendAsync(new HttpRequestMessage(HttpMethod.Get, authorize), cancellationToken);
        var location = response.Headers.Location;
        if (response.StatusCode != HttpStatusCode.Redirect || location is null || !location.ToString().StartsWith(redirectUri + "?", StringComparison.Ordinal))
            return TokenAnswer.Failed((int)response.StatusCode, $"GET /oidc/authorize answered {location} instead of a redirect to {redirectUri}: " +
                await response.Content.ReadAsStringAsync(cancellationToken));
        if (HttpUtility.ParseQueryString(location.Query)["code"] is not { } code)
            return TokenAnswer.Failed((int)response.StatusCode, $"The authorization redirect carries no code: {location}");
        var answer = await tokens.RedeemCodeAsync(code, redirectUri, cancellationToken, verifier);
        return answer.Ok && answer.IdToken is null ? TokenAnswer.Failed(answer.Status, "200 without id_token") : answer;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
