using System.Text;
using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>A back-channel request: its form and the client that sent it, or the answer that refuses it.</summary>
public sealed record ClientRequest(OidcClient Client, Parameters Parameters)
{
    public IResult? Refusal { get; init; }

    public static ClientRequest Refused(IResult refusal) => new(null!, null!) { Refusal = refusal };
}

public sealed record AuthenticatedClient(OidcClient? Client, OidcError? Error)
{
    public static AuthenticatedClient Failed(OidcError error) => new(null, error);
}

/// <summary>
/// Who is calling the token, introspection or revocation endpoint (RFC 6749 section 2.3, OpenID
/// Connect Core section 9): <c>client_secret_basic</c>, <c>client_secret_post</c>, or <c>none</c> for a
/// public client. Failures are throttled per address and all look alike.
/// </summary>
public sealed class ClientAuthentication(IClientStore clients, ICredentialThrottle throttle)
{
    public const string SecretBasic = "client_secret_basic";
    public const string SecretPost = "client_secret_post";
    public const string None = "none";

    public static readonly string[] Methods = [SecretBasic, SecretPost, None];

    /// <summary>The methods that prove a client with a secret: all introspection accepts (RFC 7662 section 2.1).</summary>
    public static readonly string[] SecretMethods = [SecretBasic, SecretPost];

    /// <summary>
    /// The start of every back-channel request (token, introspection, revocation): a form POST (RFC 6749
    /// section 3.2) with no repeated parameter (section 3.1), from an authenticated client.
    /// </summary>
    public async Task<ClientRequest> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await Parameters.ReadFormAsync(context.Request, cancellationToken) is not { } parameters)
            return ClientRequest.Refused(OidcResults.Error(OidcError.InvalidRequest("POST the parameters as application/x-www-form-urlencoded.")));
        if (parameters.Repeated is { } repeated)
            return ClientRequest.Refused(OidcResults.Error(OidcError.InvalidRequest($"The parameter {repeated} was given more than once.")));
        var authenticated = await AuthenticateAsync(context, parameters, cancellationToken);
        return authenticated.Client is { } client ? new ClientRequest(client, parameters) : ClientRequest.Refused(Refuse(authenticated.Error!));
    }

    private async Task<AuthenticatedClient> AuthenticateAsync(HttpContext context, Parameters parameters, CancellationToken cancellationToken)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var header = context.Request.Headers.Authorization.ToString();
        var basic = header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        if (throttle.IsBlocked(address))
            return AuthenticatedClient.Failed(OidcError.InvalidClient("Too many failed client authentications from this address; wait a minute."));

        string? clientId, secret;
        if (basic)
        {
            // Section 2.3.1: one method per request, and the header's parts are form-encoded before base64.
            if (parameters["client_secret"] is not null)
                return AuthenticatedClient.Failed(OidcError.InvalidRequest("Authenticate with the Authorization header or client_secret, not both."));
            if (!TryDecodeBasic(header["Basic ".Length..], out clientId, out secret))
                return Fail(address);
            if (parameters["client_id"] is { } bodyId && bodyId != clientId)
                return AuthenticatedClient.Failed(OidcError.InvalidRequest("client_id differs from the Authorization header's."));
        }
        else
        {
            clientId = parameters["client_id"];
            secret = parameters["client_secret"];
            if (clientId is null)
                return AuthenticatedClient.Failed(OidcError.InvalidClient("The client did not authenticate: send client_id (and client_secret, or HTTP Basic)."));
        }

        var client = await clients.FindAsync(clientId, cancellationToken);
        if (client is null)
            return Fail(address);
        // A confidential client must prove itself; a public one has no secret that could prove anything.
        var proven = client.IsConfidential
            ? secret is not null && await clients.SecretMatchesAsync(client, secret, cancellationToken)
            : secret is null;
        return proven ? new(client, null) : Fail(address);
    }

    private AuthenticatedClient Fail(string address)
    {
        throttle.RecordFailure(address);
        return AuthenticatedClient.Failed(OidcError.InvalidClient("Client authentication failed."));
    }

    private static bool TryDecodeBasic(string encoded, out string clientId, out string secret)
    {
        clientId = secret = "";
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                return false;
            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// RFC 6749 section 5.2: a client that failed to authenticate is answered 401, and RFC 9110 section 15.5.2
    /// has every 401 name a scheme to use, so the challenge is HTTP Basic whichever method the client tried.
    /// </summary>
    public static IResult Refuse(OidcError error) => error.Code == "invalid_client"
        ? new OidcResults.Challenge(OidcResults.Error(error, StatusCodes.Status401Unauthorized), "Basic realm=\"roster\"")
        : OidcResults.Error(error);
}
