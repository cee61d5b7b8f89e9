namespace Roster.Oidc;

/// <summary>The provider metadata of OpenID Connect Discovery 1.0 section 3, with what each later spec adds.</summary>
public static class Discovery
{
    public static Dictionary<string, object> Document(OidcIssuer issuer) => new()
    {
        ["issuer"] = issuer.Value,
        ["authorization_endpoint"] = issuer.Url(OidcPaths.Authorize),
        ["token_endpoint"] = issuer.Url(OidcPaths.Token),
        ["userinfo_endpoint"] = issuer.Url(OidcPaths.UserInfo),
        ["jwks_uri"] = issuer.Url(OidcPaths.Jwks),
        ["end_session_endpoint"] = issuer.Url(OidcPaths.EndSession),
        ["revocation_endpoint"] = issuer.Url(OidcPaths.Revocation),
        ["introspection_endpoint"] = issuer.Url(OidcPaths.Introspection),
        ["device_authorization_endpoint"] = issuer.Url(OidcPaths.DeviceAuthorization),
        ["scopes_supported"] = Scopes.Supported,
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { "query", FormPost.Mode },
        ["grant_types_supported"] = new[] { Token.AuthorizationCode, Token.RefreshToken, Token.ClientCredentials, DeviceAuthorization.GrantType },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = SigningAlgorithms.All,
        ["token_endpoint_auth_methods_supported"] = ClientAuthentication.Methods,
        ["revocation_endpoint_auth_methods_supported"] = ClientAuthentication.Methods,
        ["introspection_endpoint_auth_methods_supported"] = ClientAuthentication.SecretMethods,
        ["code_challenge_methods_supported"] = new[] { Pkce.S256 },
        ["claims_supported"] = Scopes.Claims,
        ["prompt_values_supported"] = Prompts.Supported,
        ["claims_parameter_supported"] = false,
        ["request_parameter_supported"] = false,
        ["request_uri_parameter_supported"] = false,
        // RFC 9207: responses name their issuer, so a client talking to several providers cannot be confused.
        ["authorization_response_iss_parameter_supported"] = true,
        ["backchannel_logout_supported"] = true,
        ["backchannel_logout_session_supported"] = true,
        ["frontchannel_logout_supported"] = false,
    };
}
