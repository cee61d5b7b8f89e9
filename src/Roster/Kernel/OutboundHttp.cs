using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Roster.Kernel;

/// <summary>What a target answered: its status and at most <see cref="OutboundHttp.MaxResponseBytes"/> of its body.</summary>
public sealed record OutboundResponse(HttpStatusCode Status, string Body, bool Truncated)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The one way Roster calls addresses that people type into its settings (back-channel logout URIs, SCIM
/// base URLs; webhooks later). Such an address could point Roster at its own machine, its private network or
/// the cloud's metadata service (server-side request forgery), so this client resolves each host itself and
/// vets every address at connect time: a name that resolved to a public address when the URI was saved
/// cannot rebind to 127.0.0.1 later. Private and loopback addresses are reached only for targets an admin
/// configured; link-local and metadata addresses never. It follows no redirect, uses no proxy, carries no
/// cookie or credential of Roster's, and gives up quickly.
/// </summary>
public sealed class OutboundHttp : IDisposable
{
    public const int MaxResponseBytes = 64 * 1024;
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Two pools, never one: a connection opened for an admin's loopback target must not be reused by a
    // request whose target only an operator vouched for.
    private readonly HttpClient publicOnly = NewClient(allowPrivate: false);
    private readonly HttpClient privateAllowed = NewClient(allowPrivate: true);

    /// <summary>
    /// POSTs <paramref name="content"/> to <paramref name="target"/>. A refusal (a target this client may not
    /// reach) is an error value, since retrying cannot change it; a failure of the network or the target
    /// throws, since a later try may succeed.
    /// </summary>
    public Task<Result<OutboundResponse>> PostAsync(Uri target, HttpContent content, bool allowPrivate, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, target, content, authorization: null, allowPrivate, cancellationToken);

    /// <summary>
    /// Sends any method, with the credential the target gave Roster (a SCIM bearer token) when there is one; the
    /// same refusals and failures as <see cref="PostAsync"/>. The credential goes to this one request only.
    /// </summary>
    public async Task<Result<OutboundResponse>> SendAsync(HttpMethod method, Uri target, HttpContent? content, AuthenticationHeaderValue? authorization,
        bool allowPrivate, CancellationToken cancellationToken)
    {
        if (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp)
            return new Error("outbound.scheme", $"{target} is not an http(s) address.");
        using var request = new HttpRequestMessage(method, target) { Content = content };
        request.Headers.Authorization = authorization;
        try
        {
            using var response = await (allowPrivate ? privateAllowed : publicOnly)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var (body, truncated) = await ReadCappedAsync(response.Content, cancellationToken);
            return Result<OutboundResponse>.Ok(new OutboundResponse(response.StatusCode, body, truncated));
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedAddressException refused)
        {
            return new Error("outbound.refused_address", refused.Message);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient reports its own timeout as a cancellation; to the caller it is a target that did not answer.
            throw new TimeoutException($"{target.GetLeftPart(UriPartial.Authority)} did not answer within {RequestTimeout.TotalSeconds:0} seconds.", e);
        }
    }

    private static async Task<(string Body, bool Truncated)> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxResponseBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            length += read;
        // The rest is never read: disposing the response closes the connection instead of draining it.
        var truncated = length > MaxResponseBytes;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(length, MaxResponseBytes)), truncated);
    }

    private static HttpClient NewClient(bool allowPrivate) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false, // through a proxy, the address checked would be the proxy's, not the target's
        Credentials = null,
        PreAuthenticate = false,
        ConnectTimeout = ConnectTimeout,
        MaxResponseHeadersLength = 16, // KiB
        MaxResponseDrainSize = 0,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        // Dropped before the usual 5-second keep-alive of the targets (Node's default among them) ends, so a request never
        // goes out on a connection the target has just closed, which fails a POST that no one may resend blindly.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
    })
    {
        Timeout = RequestTimeout,
        MaxResponseContentBufferSize = MaxResponseBytes,
        DefaultRequestHeaders = { { "User-Agent", "Roster" } },
    };

    /// <summary>Resolves the host and connects only if every address it has may be reached: a name that mixes a public address with a private one is refused.</summary>
    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        // A literal is its own answer (and Dns refuses 0.0.0.0 with an error of its own rather than ours).
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0)
            throw new HttpRequestException($"{endPoint.Host} has no address.");
        if (addresses.FirstOrDefault(a => !OutboundAddresses.MayReach(a, allowPrivate)) is { } refused)
            throw new RefusedAddressException(OutboundAddresses.Classify(refused) == AddressKind.Forbidden
                ? $"{endPoint.Host} is {refused}, a link-local, metadata or other reserved address Roster never contacts."
                : $"{endPoint.Host} is {refused}, a loopback or private address; only a URI an admin sets may point there.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // The addresses just checked, not the name again: nothing can swap them in between.
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        publicOnly.Dispose();
        privateAllowed.Dispose();
    }

    private sealed class RefusedAddressException(string message) : Exception(message);
}
