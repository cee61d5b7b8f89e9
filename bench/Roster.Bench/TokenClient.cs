using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Roster.Bench;

/// <summary>One token endpoint answer: its status, and the body kept only when it is not the success asked for.</summary>
public readonly record struct TokenAnswer(int Status, string? AccessToken, string? RefreshToken, string? Failure, string? IdToken = null)
{
    public bool Ok => Failure is null;

    public static TokenAnswer Failed(int status, string failure) => new(status, null, null, failure);
}

/// <summary>
/// A confidential client at a token endpoint (Roster's /oidc/token unless told otherwise), authenticating
/// with client_secret_basic (RFC 6749 section 2.3.1: id and secret form-encoded, then base64). One
/// connection per concurrent request, no cookies.
/// </summary>
public sealed class TokenClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Form = new("application/x-www-form-urlencoded");
    private static readonly byte[] ClientCredentialsBody = Encoding.ASCII.GetBytes("grant_type=client_credentials");

    private readonly HttpClient http;
    private readonly AuthenticationHeaderValue basic;
    private readonly string tokenPath;

    public TokenClient(Uri baseAddress, string clientId, string clientSecret, string tokenPath = "/oidc/token")
    {
        this.tokenPath = tokenPath;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret);
        basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>RFC 6749 section 4.4: an access token for the client itself.</summary>
    public Task<TokenAnswer> ClientCredentialsAsync(CancellationToken cancellationToken) =>
        PostAsync(ClientCredentialsBody, wantRefreshToken: false, cancellationToken);

    /// <summary>Section 4.1.3: the code for tokens, a refresh token among them; with the PKCE verifier (RFC 7636) when one was used.</summary>
    public Task<TokenAnswer> RedeemCodeAsync(string code, string redirectUri, CancellationToken cancellationToken, string? codeVerifier = null) =>
        PostAsync(FormBody([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri), .. codeVerifier is null ? [] : new[] { ("code_verifier", codeVerifier) }]),
            wantRefreshToken: true, cancellationToken);

    /// <summary>Section 6: Roster rotates refresh tokens, so the answer's refresh token is the only one that works next.</summary>
    public Task<TokenAnswer> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync(FormBody(("grant_type", "refresh_token"), ("refresh_token", refreshToken)), wantRefreshToken: true, cancellationToken);

    /// <summary>RFC 8628 section 3.1: a device code for the client, to poll with; null when refused.</summary>
    public async Task<string?> DeviceCodeAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(FormBody(("scope", "openid")));
        content.Headers.ContentType = Form;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/device_authorization") { Content = content };
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            return null;
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return json.RootElement.GetProperty("device_code").GetString();
    }

    /// <summary>
    /// RFC 8628 section 3.4: a poll for a device code nobody has approved. The answer the bench wants is 400
    /// <c>authorization_pending</c>, or <c>slow_down</c> when the pool's codes come round sooner than the interval:
    /// both read the request and record the poll, and neither signs anything.
    /// </summary>
    public async Task<TokenAnswer> PollDeviceCodeAsync(string deviceCode, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(FormBody(("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode)));
        content.Headers.ContentType = Form;
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenPath) { Content = content };
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        return status == 400 && (text.Contains("\"authorization_pending\"") || text.Contains("\"slow_down\""))
            ? new TokenAnswer(status, null, null, null)
            : TokenAnswer.Failed(status, text);
    }

    private async Task<TokenAnswer> PostAsync(byte[] body, bool wantRefreshToken, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Form;
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenPath) { Content = content };
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var status = (int)response.StatusCode;
        if (response.StatusCode != HttpStatusCode.OK)
            return TokenAnswer.Failed(status, Encoding.UTF8.GetString(bytes));

        string? access = null, refresh = null, id = null;
        try
        {
            using var json = JsonDocument.Parse(bytes);
            if (json.RootElement.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String)
                access = a.GetString();
            if (json.RootElement.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String)
                refresh = r.GetString();
            if (json.RootElement.TryGetProperty("id_token", out var i) && i.ValueKind == JsonValueKind.String)
                id = i.GetString();
        }
        catch (JsonException)
        {
        }
        return access is null || wantRefreshToken && refresh is null
            ? TokenAnswer.Failed(status, "200 without " + (access is null ? "access_token" : "refresh_token") + ": " + Encoding.UTF8.GetString(bytes))
            : new TokenAnswer(status, access, refresh, null, id);
    }

    private static byte[] FormBody(params (string Name, string Value)[] fields) =>
        Encoding.ASCII.GetBytes(string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value))));

    public void Dispose() => http.Dispose();
}
