using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>
/// The provider's services and endpoints. The host supplies the stores (<see cref="IClientStore"/>,
/// <see cref="IGrantStore"/>, <see cref="IUserDirectory"/>, <see cref="ISigningKeyStore"/>, <see cref="IRefreshTokenKeyStore"/>), the sign-in
/// hand-off, the throttle and the <see cref="OidcIssuer"/>.
/// </summary>
public static class OidcEndpoints
{
    public static IServiceCollection AddOidcProtocol(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OidcOptions>(configuration.GetSection(OidcOptions.Section));
        services.Configure<SigningKeyOptions>(configuration.GetSection(SigningKeyOptions.Section));
        services.AddSingleton<KeyRing>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<RefreshTokens>();
        services.AddScoped<ActiveTokens>();
        services.AddScoped<ClientAuthentication>();
        services.AddCors();
        services.AddSingleton<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyProvider, OidcCorsPolicyProvider>();
        return services;
    }

    public static IEndpointRouteBuilder MapOidcProtocol(this IEndpointRouteBuilder endpoints)
    {
        string[] getOrPost = [HttpMethods.Get, HttpMethods.Post];
        endpoints.MapGet(OidcPaths.Discovery, (OidcIssuer issuer, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Json(Discovery.Document(issuer));
        }).AllowAnonymous().RequireCors(OidcCorsPolicyProvider.PolicyName);
        // RFC 7517 section 5: the public keys that verify Roster's tokens, old ones included until they retire.
        endpoints.MapGet(OidcPaths.Jwks, async (KeyRing keys, HttpContext context, CancellationToken cancellationToken) =>
        {
            var set = await keys.PublicKeysAsync(cancellationToken);
            context.Response.Headers.CacheControl = $"public, max-age={KeyRing.JwksCacheLifetime.TotalSeconds:0}";
            return Results.Text(JwksJson(set), "application/jwk-set+json");
        }).AllowAnonymous().RequireCors(OidcCorsPolicyProvider.PolicyName);
        endpoints.MapMethods(OidcPaths.Authorize, getOrPost, Authorize.HandleAsync).AllowAnonymous();
        endpoints.MapMethods(OidcPaths.EndSession, getOrPost, EndSession.HandleAsync).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// The back channel: the endpoints apps call directly, authenticating as themselves (a client secret, or a
    /// bearer token at userinfo). A browser's session means nothing to them, so they run in a pipeline of their
    /// own, before the host's cookie, page and session middleware, with CORS for single-page apps. Skipping
    /// that middleware, with <see cref="OidcResults"/> sending each answer in one write, halved what a
    /// client-credentials grant cost beyond its signature (bench/README).
    /// </summary>
    public static IApplicationBuilder UseOidcBackChannel(this IApplicationBuilder app) =>
        app.MapWhen(context => IsBackChannel(context.Request.Path), backChannel => backChannel
            .UseRouting()
            .UseCors()
            .UseEndpoints(endpoints =>
            {
                string[] getOrPost = [HttpMethods.Get, HttpMethods.Post];
                endpoints.MapPost(OidcPaths.Token, Token.HandleAsync).RequireCors(OidcCorsPolicyProvider.PolicyName);
                endpoints.MapMethods(OidcPaths.UserInfo, getOrPost, UserInfo.HandleAsync).RequireCors(OidcCorsPolicyProvider.PolicyName);
                endpoints.MapPost(OidcPaths.Revocation, Revocation.HandleAsync).RequireCors(OidcCorsPolicyProvider.PolicyName);
                endpoints.MapPost(OidcPaths.Introspection, Introspection.HandleAsync);
                endpoints.MapPost(OidcPaths.DeviceAuthorization, DeviceAuthorization.HandleAsync);
            }));

    private static bool IsBackChannel(PathString path) =>
        path == OidcPaths.Token || path == OidcPaths.UserInfo || path == OidcPaths.Revocation || path == OidcPaths.Introspection ||
        path == OidcPaths.DeviceAuthorization;

    private static string JwksJson(JsonWebKeySet set) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = set.Keys.Select(k => k.Kty == JsonWebAlgorithmsKeyTypes.RSA
                ? (object)new { kty = k.Kty, use = k.Use, alg = k.Alg, kid = k.Kid, n = k.N, e = k.E }
                : new { kty = k.Kty, use = k.Use, alg = k.Alg, kid = k.Kid, crv = k.Crv, x = k.X, y = k.Y }),
        });
}
