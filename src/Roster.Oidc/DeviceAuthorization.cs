using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Roster.Oidc;

/// <summary>
/// The device authorization endpoint (RFC 8628 section 3.1): a device with no browser, or a command-line tool,
/// asks for a device code to poll the token endpoint with and a user code for its person to enter at
/// <see cref="VerificationPath"/> on another screen. Clients authenticate as at the token endpoint; public
/// clients are welcome (section 5.6), since a device usually cannot keep a secret.
/// </summary>
public static class DeviceAuthorization
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>Where the person enters the user code: the host's page.</summary>
    public const string VerificationPath = "/device";

    /// <summary>Long enough to find a phone and sign in; short enough that a code left on a screen soon means nothing.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Section 3.2: the seconds a device waits between polls (5 is the RFC's default).</summary>
    public const int IntervalSeconds = 5;

    /// <summary>RFC 6749 section 5.2, which section 3.2 points to: the client may not use this grant.</summary>
    public static OidcError NotAllowed => OidcError.UnauthorizedClient(
        "This app may not sign in devices; an administrator can allow it on the app's page in Roster.");

    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ClientAuthentication authentication,
        IDeviceCodeStore devices,
        OidcIssuer issuer,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var request = await authentication.ReadAsync(context, cancellationToken);
        if (request.Refusal is { } refusal)
            return refusal;
        if (!request.Client.AllowDeviceGrant)
            return OidcResults.Error(NotAllowed);
        // Section 3.1: the scope of the access request; Roster signs a person in, so as at the authorization endpoint it includes openid.
        var requested = Scopes.Parse(request.Parameters["scope"]);
        if (!requested.Contains(Scopes.OpenId))
            return OidcResults.Error(OidcError.InvalidScope("The scope must include openid."));
        var scope = Scopes.Granted(requested);
        var expiresAt = clock.GetUtcNow() + Lifetime;

        // Two live requests must not share a user code; a clash (about one in ten billion) draws again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var deviceCode = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var userCode = UserCodes.New();
            if (!await devices.TryAddAsync(request.Client.ClientId, deviceCode, userCode, scope, expiresAt, IntervalSeconds, cancellationToken))
                continue;
            var shown = UserCodes.Display(userCode);
            return OidcResults.Json(new Dictionary<string, object>
            {
                ["device_code"] = deviceCode,
                ["user_code"] = shown,
                ["verification_uri"] = issuer.Url(VerificationPath),
                ["verification_uri_complete"] = issuer.Url(VerificationPath) + "?user_code=" + shown,
                ["expires_in"] = (long)Lifetime.TotalSeconds,
                ["interval"] = IntervalSeconds,
            });
        }
        throw new InvalidOperationException("Three user codes in a row clashed with live ones.");
    }
}
