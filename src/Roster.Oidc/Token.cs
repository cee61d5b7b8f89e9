using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Roster.Oidc;

/// <summary>
/// The token endpoint (RFC 6749 section 3.2, OpenID Connect Core section 3.1.3): authorization codes,
/// refresh tokens with rotation, and client credentials. Every refusal issues nothing.
/// </summary>
public static partial class Token
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";

    public static async Task<IResult> HandleAsync(
        HttpContext context,
        ClientAuthentication authentication,
        IGrantStore grants,
        IDeviceCodeStore devices,
        IUserDirectory directory,
        TokenIssuer tokens,
        RefreshTokens refreshTokens,
        TimeProvider clock,
        IOptions<OidcOptions> options,
        IResourceStore resources,
        CancellationToken cancellationToken)
    {
        var request = await authentication.ReadAsync(context, cancellationToken);
        if (request.Refusal is { } refusal)
            return refusal;
        var parameters = request.Parameters;
        // An API's credential is for introspection only: it is no client that could be issued tokens.
        if (request.Client.ResourceIdentifier is not null)
            return OidcResults.Error(OidcError.UnauthorizedClient("This is an API's credential; it may introspect tokens but not obtain them."));

        var flow = new Flow(request.Client, parameters, grants, directory, tokens, refreshTokens, clock.GetUtcNow(), options.Value, cancellationToken) { ResourceStore = resources };
        return parameters["grant_type"] switch
        {
            null => OidcResults.Error(OidcError.InvalidRequest("grant_type is missing.")),
            AuthorizationCode => await flow.RedeemCodeAsync(),
            RefreshToken => await flow.RefreshAsync(),
            ClientCredentials => await flow.ClientCredentialsAsync(),
            DeviceAuthorization.GrantType => await flow.RedeemDeviceCodeAsync(devices),
            var other => OidcResults.Error(OidcError.UnsupportedGrantType(
                $"Roster does not support the grant type \"{other}\": use {AuthorizationCode}, {RefreshToken}, {ClientCredentials} or {DeviceAuthorization.GrantType}.")),
        };
    }

    private sealed partial record Flow(
        OidcClient Client,
        Parameters Parameters,
        IGrantStore Grants,
        IUserDirectory Directory,
        TokenIssuer Tokens,
        RefreshTokens RefreshTokens,
        DateTimeOffset Now,
        OidcOptions Options,
        CancellationToken CancellationToken)
    {
        public required IResourceStore ResourceStore { get; init; }

        /// <summary>Section 3.1.3.2: the code is the client's, unexpired, for this redirect URI and verifier, and used once.</summary>
        public async Task<IResult> RedeemCodeAsync()
        {
            if (Parameters["code"] is not { } code)
                return OidcResults.Error(OidcError.InvalidRequest("code is missing."));
            var issued = await Grants.FindCodeAsync(code, CancellationToken);
            if (issued is null || issued.Grant.ClientId != Client.ClientId)
                return OidcResults.Error(OidcError.InvalidGrant("The authorization code is unknown, revoked, or not this client's."));
            if (issued.Redeemed)
                return await ReplayedAsync(issued.Grant);
            if (issued.ExpiresAt <= Now)
                return OidcResults.Error(OidcError.InvalidGrant("The authorization code has expired; start the sign-in again."));
            if (Parameters["redirect_uri"] != issued.RedirectUri)
                return OidcResults.Error(OidcError.InvalidGrant("redirect_uri differs from the one in the authorization request."));
            if (issued.CodeChallenge is { } challenge)
            {
                if (Parameters["code_verifier"] is not { } verifier)
                    return OidcResults.Error(OidcError.InvalidGrant("code_verifier is missing: the authorization request had a PKCE challenge."));
                if (!Pkce.Verifies(verifier, challenge))
                    return OidcResults.Error(OidcError.InvalidGrant("code_verifier does not match the PKCE challenge."));
            }
            else if (Parameters["code_verifier"] is not null)
                return OidcResults.Error(OidcError.InvalidGrant("code_verifier was sent, but the authorization request had no PKCE challenge."));
            var target = await GrantResourceAsync(issued.Grant.Resource, issued.Grant.Scope);
            if (target.Error is { } untargeted)
                return OidcResults.Error(untargeted);

            // Two requests may carry the same code at once: the store lets exactly one through.
            if (!await Grants.TryRedeemCodeAsync(code, RefreshExpiresAt, CancellationToken))
                return await ReplayedAsync(issued.Grant);
            if (await Directory.FindUsableAsync(issued.Grant.Subject, Client, CancellationToken) is not { } user)
            {
                await Grants.RevokeAsync(issued.Grant.Id, "the person may no longer use the app", CancellationToken);
                return OidcResults.Error(OidcError.InvalidGrant("The person is disabled or no longer allowed to use this app."));
            }
            return await IssueAsync(issued.Grant, user, RefreshTokenContent.For(issued.Grant, RefreshExpiresAt), target.Server);
        }

        /// <summary>
        /// RFC 6749 section 4.1.2: a code used twice may have been stolen, so what it issued is revoked
        /// (RFC 9700 section 4.5.3).
        /// </summary>
        private async Task<IResult> ReplayedAsync(Grant grant)
        {
            await Grants.RevokeAsync(grant.Id, "an authorization code was used twice", CancellationToken);
            return OidcResults.Error(OidcError.InvalidGrant("The authorization code was already used; the tokens it issued are revoked."));
        }

        /// <summary>
        /// Section 6: each refresh token works once and is replaced by the next generation. Presenting an
        /// earlier generation means two parties hold the grant's tokens, so the whole grant is revoked
        /// (RFC 9700 section 4.14.2). The scope and expiry are checked before the token is spent.
        /// </summary>
        public async Task<IResult> RefreshAsync()
        {
            if (Parameters["refresh_token"] is not { } presented)
                return OidcResults.Error(OidcError.InvalidRequest("refresh_token is missing."));
            if (await RefreshTokens.OpenAsync(presented, CancellationToken) is not { } content)
                return UnknownRefreshToken();
            if (content.ExpiresAt <= Now)
                return OidcResults.Error(OidcError.InvalidGrant("The refresh token has expired; sign in again."));
            var requested = Scopes.Parse(Parameters["scope"]);
            var granted = Scopes.Parse(content.Scope);
            if (requested.Any(s => !granted.Contains(s)))
                return OidcResults.Error(OidcError.InvalidScope("A refresh can only keep or narrow the scope that was granted."));
            var scope = requested.Count == 0 ? content.Scope : string.Join(' ', granted.Where(requested.Contains));
            var target = await GrantResourceAsync(content.Resource, scope);
            if (target.Error is { } untargeted)
                return OidcResults.Error(untargeted);

            // Two requests may carry the same token at once: the store lets exactly one through, and only while
            // the person may still use the app (disabled, or no longer allowed by its access rule).
            if (!await Grants.TryRotateRefreshAsync(content.GrantId, content.Generation, Client.ClientId, RefreshExpiresAt, CancellationToken))
            {
                if (await Grants.FindRefreshAsync(content.GrantId, CancellationToken) is not { } state || state.Grant.ClientId != Client.ClientId)
                    return UnknownRefreshToken();
                if (state.Generation > content.Generation)
                    return await ReusedAsync(state.Grant);
                if (state.Generation == content.Generation && !await Directory.MayUseAsync(state.Grant.Subject, Client, CancellationToken))
                {
                    await Grants.RevokeAsync(state.Grant.Id, "the person may no longer use the app", CancellationToken);
                    return OidcResults.Error(OidcError.InvalidGrant("The person is disabled or no longer allowed to use this app."));
                }
                return UnknownRefreshToken();
            }
            var next = content with { Generation = content.Generation + 1, ExpiresAt = RefreshExpiresAt };
            var grant = content.Grant(Client.ClientId);
            return await IssueAsync(grant with { Scope = scope }, user: null, next, target.Server);
        }

        /// <summary>
        /// RFC 8707 section 2.2: at the token endpoint a code or refresh token can only be used for the API its
        /// authorization request named, so a <c>resource</c> here must repeat that one. The API's rules are read again,
        /// so one deleted since is <c>invalid_target</c>, and a scope no longer allowed <c>invalid_scope</c>.
        /// </summary>
        private async Task<ResourceRequest> GrantResourceAsync(string? grantResource, string scope)
        {
            if (Parameters[Resources.Parameter] is { } named && named != grantResource)
                return ResourceRequest.Refused(Resources.InvalidTarget("The resource must be the one named in the authorization request."));
            return await Resources.ResolveAsync(ResourceStore, Client, grantResource, Resources.ApiScopesOf(scope), allWhenNone: false, CancellationToken);
        }

        private static IResult UnknownRefreshToken() =>
            OidcResults.Error(OidcError.InvalidGrant("The refresh token is unknown, revoked, or not this client's."));

        private DateTimeOffset RefreshExpiresAt => Now + Options.RefreshTokenLifetime;

        private async Task<IResult> ReusedAsync(Grant grant)
        {
            await Grants.RevokeAsync(grant.Id, "a used refresh token was presented again", CancellationToken);
            return OidcResults.Error(OidcError.InvalidGrant("The refresh token was already used; every token of this sign-in is revoked."));
        }

        /// <summary>
        /// RFC 6749 section 4.4: a confidential client acting for itself; no person, so no ID or refresh token.
        /// The client gets only API scopes its app lists: a resource server trusts the token's scope, so a scope
        /// copied from the request would let a client grant itself anything. Anything unlisted, the OpenID scopes
        /// included (they are about a person), is <c>invalid_scope</c> (section 5.2); the token has exactly what was
        /// asked for, in the app's order. Only a well-formed scope is named in the error: nothing long is echoed.
        /// </summary>
        public async Task<IResult> ClientCredentialsAsync()
        {
            if (!Client.IsConfidential)
                return OidcResults.Error(OidcError.UnauthorizedClient("Only a client with a secret may use client_credentials."));
            // Section 3.3: with no scope parameter the client gets its app's whole list, as Auth0 does.
            var parameter = Parameters["scope"];
            if (parameter?.Length > Scopes.MaxApiScopeParameter)
                return OidcResults.Error(OidcError.InvalidScope("The scope parameter is longer than all the scopes this client may request together."));
            if (Parameters[Resources.Parameter] is { } resource)
                return await ForResourceAsync(resource, parameter);
            var requested = parameter is null ? Client.ApiScopes : Scopes.Parse(parameter);
            if (requested.FirstOrDefault(s => !Client.ApiScopes.Contains(s)) is { } unlisted)
                return OidcResults.Error(OidcError.InvalidScope(Scopes.IsApiScope(unlisted)
                    ? $"This client may not request the scope \"{unlisted}\"; its app's administrator can list it under the app's API scopes."
                    : "The scope parameter holds a malformed scope or one longer than any this client may request."));

            return await ClientTokenAsync(string.Join(' ', Client.ApiScopes.Where(requested.Contains)), server: null);
        }

        /// <summary>
        /// Client credentials for one API (RFC 8707 section 2): the scopes are the API's that its administrator allowed
        /// this client, all of them when none is asked for; any scope else, the OpenID ones included, is <c>invalid_scope</c>.
        /// </summary>
        private async Task<IResult> ForResourceAsync(string resource, string? parameter)
        {
            var requested = Scopes.Parse(parameter);
            var target = await Resources.ResolveAsync(ResourceStore, Client, resource, requested, allWhenNone: parameter is null, CancellationToken);
            if (target.Error is { } refused)
                return OidcResults.Error(refused);
            return await ClientTokenAsync(string.Join(' ', target.Scopes), target.Server);
        }

        private async Task<IResult> ClientTokenAsync(string scope, ResourceServer? server)
        {
            var access = await Tokens.AccessTokenAsync(Client, scope, grant: null, CancellationToken, server);
            var body = new Dictionary<string, object>
            {
                ["access_token"] = access.Value,
                ["token_type"] = "Bearer",
                ["expires_in"] = (long)(server?.AccessTokenLifetime ?? Options.AccessTokenLifetime).TotalSeconds,
            };
            if (scope.Length > 0)
                body["scope"] = scope;
            return OidcResults.Json(body);
        }

        /// <summary>
        /// Section 3.1.3.3, with an ID token for <paramref name="user"/>. A refresh answer carries none, as section 12.2 allows.
        /// A refresh token comes with an offline grant, or for an app that always gets one (session-bound); an app that
        /// gets none signs the person in again, silently while the session lasts (section 11).
        /// </summary>
        private async Task<IResult> IssueAsync(Grant grant, OidcUser? user, RefreshTokenContent refresh, ResourceServer? server)
        {
            var access = await Tokens.AccessTokenAsync(Client, grant.Scope, grant, CancellationToken, server);
            var body = new Dictionary<string, object>
            {
                ["access_token"] = access.Value,
                ["token_type"] = "Bearer",
                ["expires_in"] = (long)(server?.AccessTokenLifetime ?? Options.AccessTokenLifetime).TotalSeconds,
                ["scope"] = grant.Scope,
            };
            if (grant.Offline || Client.AlwaysIssueRefreshTokens || user is null)
                body["refresh_token"] = await RefreshTokens.SealAsync(refresh, CancellationToken);
            if (user is not null)
                body["id_token"] = await Tokens.IdTokenAsync(Client, user, grant, CancellationToken);
            return OidcResults.Json(body);
        }
    }
}
