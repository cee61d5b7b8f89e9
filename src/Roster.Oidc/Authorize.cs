using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Roster.Oidc;

/// <summary>
/// The authorization endpoint: the code flow of OpenID Connect Core section 3.1.2 with PKCE (RFC 7636).
/// A signed-in person gets a code without typing anything, unless the app needs their consent; others sign in first and come back.
/// </summary>
public static class Authorize
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        IClientStore clients,
        IGrantStore grants,
        IUserDirectory directory,
        ISignInHandOff handOff,
        TokenIssuer tokens,
        OidcIssuer issuer,
        TimeProvider clock,
        IOptions<OidcOptions> options,
        IResourceStore resources,
        IConsentStore consents,
        CancellationToken cancellationToken)
    {
        var parameters = await Parameters.ReadAsync(context.Request, cancellationToken);

        // Section 3.1.2.6 and RFC 6749 section 4.1.2.1: until the client and its redirect URI are known
        // to belong together, an error goes to the person, never to the URI, or Roster is an open redirector.
        // A client_id or redirect_uri given twice names no one address to trust, so it counts as missing.
        if (parameters.IsRepeated("client_id") || parameters.IsRepeated("redirect_uri"))
            return handOff.Error(OidcError.InvalidRequest("The app's sign-in link gives client_id or redirect_uri more than once. Ask the app's administrator to check its settings."));
        if (parameters["client_id"] is not { } clientId || await clients.FindAsync(clientId, cancellationToken) is not { } client)
            return handOff.Error(OidcError.InvalidRequest("The app's sign-in link names no app registered in Roster (client_id). Ask the app's administrator to check its settings."));
        var redirectUri = parameters["redirect_uri"];
        // Exact, but for a native app's loopback port (RFC 8252 section 7.3, RedirectUris).
        if (redirectUri is null || !RedirectUris.Matches(client.RedirectUris, redirectUri))
            return handOff.Error(OidcError.InvalidRequest($"The app “{client.Name}” asked to return to an address that is not registered for it (redirect_uri). Ask its administrator to add the exact address on the app's page in Roster."));

        var state = parameters["state"];
        // The answer goes back in the redirect URI's query, or as a form posted to it when the app asks and a browser can
        // post there: not to a native app's own scheme, which only a redirect reaches.
        var formPost = parameters["response_mode"] == FormPost.Mode && RedirectUris.IsWeb(redirectUri);
        IResult Answer(KeyValuePair<string, string?>[] answer) =>
            formPost ? new FormPost(redirectUri, answer) : Results.Redirect(Parameters.AppendTo(redirectUri, answer));
        KeyValuePair<string, string?>[] BackParameters(OidcError error) =>
            [new("error", error.Code), new("error_description", error.WireDescription), new("state", state), new("iss", issuer.Value)];
        IResult Back(OidcError error) => Answer(BackParameters(error));

        var request = Validate(parameters, client);
        if (request.Error is { } invalid)
            return Back(invalid);
        if (parameters["response_mode"] == FormPost.Mode && !formPost)
            return Back(OidcError.InvalidRequest("response_mode=form_post needs an http or https redirect URI; an app's own scheme gets the answer in the query."));
        var target = await Resources.ResolveAsync(resources, client, parameters[Resources.Parameter], Resources.ApiScopesOf(parameters["scope"]), allWhenNone: false, cancellationToken);
        if (target.Error is { } untargeted)
            return Back(untargeted);
        var scope = OfflineAccess.GrantedScope(request.Scope, target.Scopes, client);

        var session = await handOff.CurrentSessionAsync(context);
        var now = clock.GetUtcNow();
        // Section 3.1.2.1: an id_token_hint names the person the app expects, and someone else signed in here
        // is not them. A hint Roster cannot verify (its key retired since) is no hint.
        var hinted = parameters["id_token_hint"] is { } hint ? await tokens.ValidateIdTokenHintAsync(hint, cancellationToken) : null;
        var mustSignIn = session is null || request.Prompt == "login" ||
            request.MaxAge is { } maxAge && (now - session.AuthTime).TotalSeconds > maxAge ||
            hinted is not null && hinted.Subject != session.Subject;
        if (mustSignIn)
        {
            if (request.Prompt == "none")
                return Back(OidcError.LoginRequired("The person the app expects is not signed in to Roster, or not recently enough."));
            return handOff.SignIn(OidcPaths.Authorize + QueryString.Create(Prompts.AfterSignIn(parameters)).ToUriComponent());
        }

        // Section 3.1.2.1: select_account asks the person which account to use, even though one is signed in.
        // Whoever they choose, the request goes on without select_account, or it would ask forever.
        if (request.SelectAccount)
            return handOff.SelectAccount(OidcPaths.Authorize + QueryString.Create(Prompts.Without(parameters, Prompts.SelectAccount)).ToUriComponent());

        if (await directory.FindUsableAsync(session!.Subject, client, cancellationToken) is null)
        {
            // The person sees why; the app hears access_denied (RFC 6749 section 4.1.2.1) only when the person
            // goes back to it, or at once when it asked silently. A form post cannot be a link, so it has none.
            var denied = OidcError.AccessDenied($"This person may not use {client.Name}.");
            return request.Prompt == "none" ? Back(denied)
                : handOff.NoAccess(client, formPost ? null : Parameters.AppendTo(redirectUri, BackParameters(denied)));
        }

        // Section 3.1.2.4: the person allows what the app asks for when the app requires consent (remembered, so once per
        // set of scopes) or the app asks for the page with prompt=consent. A decline goes back as access_denied; prompt=none
        // cannot show the page, so it answers consent_required (section 3.1.2.6).
        if (handOff.TakeDeclinedConsent(context, client))
            return Back(OidcError.AccessDenied("The person declined to allow the app what it asked for."));
        if (request.Consent || client.RequireConsent && !await consents.CoversAsync(session.Subject, client.ClientId, scope, cancellationToken))
        {
            if (request.Prompt == Prompts.None)
                return Back(new("consent_required", "The person has not yet allowed this app what it asks for."));
            return handOff.Consent(client, scope, OidcPaths.Authorize + QueryString.Create(Prompts.Without(parameters, Prompts.Consent)).ToUriComponent());
        }

        var code = TokenIssuer.NewHandle();
        var grant = new Grant(Guid.CreateVersion7(), client.ClientId, session.Subject, session.SessionId, scope, session.AuthTime, parameters["nonce"],
            target.Server?.Identifier, OfflineAccess.IsOffline(scope));
        await grants.AddAsync(grant, code, redirectUri, request.CodeChallenge, now + options.Value.CodeLifetime, cancellationToken);
        await handOff.SignedInToAppAsync(session, client, cancellationToken);
        return Answer([new("code", code), new("state", state), new("iss", issuer.Value)]);
    }

    private sealed record Request(string Scope, string? CodeChallenge, string? Prompt, long? MaxAge, bool SelectAccount = false, bool Consent = false, OidcError? Error = null)
    {
        public static Request Invalid(OidcError error) => new("", null, null, null, Error: error);
    }

    private static Request Validate(Parameters parameters, OidcClient client)
    {
        if (parameters.Repeated is { } repeated)
            return Request.Invalid(OidcError.InvalidRequest($"The parameter {repeated} was given more than once."));
        if (parameters["request"] is not null)
            return Request.Invalid(new("request_not_supported", "Roster does not accept request objects."));
        if (parameters["request_uri"] is not null)
            return Request.Invalid(new("request_uri_not_supported", "Roster does not accept request_uri."));
        if (parameters["response_type"] is not { } responseType)
            return Request.Invalid(OidcError.InvalidRequest("response_type is missing."));
        if (responseType != "code")
            return Request.Invalid(OidcError.UnsupportedResponseType("Roster supports the authorization code flow only: response_type=code."));
        if (parameters["response_mode"] is { } mode && mode is not ("query" or FormPost.Mode))
            return Request.Invalid(OidcError.InvalidRequest($"Roster returns codes in the query or as a form post: response_mode=query or {FormPost.Mode}."));

        var requested = Scopes.Parse(parameters["scope"]);
        if (!requested.Contains(Scopes.OpenId))
            return Request.Invalid(OidcError.InvalidScope("The scope must include openid."));

        var challenge = parameters["code_challenge"];
        var method = parameters["code_challenge_method"];
        if (challenge is null && method is not null)
            return Request.Invalid(OidcError.InvalidRequest("code_challenge_method was given without code_challenge."));
        if (challenge is null && !client.IsConfidential)
            return Request.Invalid(OidcError.InvalidRequest("This app is a public client: it must send a PKCE code_challenge (S256)."));
        // RFC 7636 section 4.4.1: a server that requires PKCE answers a request without it invalid_request.
        if (challenge is null && client.RequirePkce)
            return Request.Invalid(OidcError.InvalidRequest("This app requires PKCE: it must send a code_challenge (S256)."));
        // RFC 7636 section 4.3 defaults the method to "plain", which Roster refuses.
        if (challenge is not null && method != Pkce.S256)
            return Request.Invalid(OidcError.InvalidRequest("Roster supports code_challenge_method=S256 only."));
        if (challenge is not null && !Pkce.IsChallenge(challenge))
            return Request.Invalid(OidcError.InvalidRequest("code_challenge must be the 43-character base64url SHA-256 of the verifier."));

        var prompts = Scopes.Parse(parameters["prompt"]);
        if (Prompts.Conflict(prompts) is { } conflict)
            return Request.Invalid(conflict);
        var prompt = prompts.Contains(Prompts.None) ? Prompts.None : prompts.Contains(Prompts.Login) ? Prompts.Login : null;

        long? maxAge = null;
        if (parameters["max_age"] is { } age)
        {
            if (!long.TryParse(age, System.Globalization.NumberStyles.None, null, out var seconds))
                return Request.Invalid(OidcError.InvalidRequest("max_age must be a number of seconds."));
            maxAge = seconds;
        }
        return new(Scopes.Granted(requested), challenge, prompt, maxAge, prompts.Contains(Prompts.SelectAccount), prompts.Contains(Prompts.Consent));
    }
}
