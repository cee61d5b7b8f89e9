using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>
/// The OpenID Connect provider, as far as it is built: the signing key ring and its JWKS document.
/// Discovery, the authorization and token endpoints and the rest come with issue 5's next steps.
/// </summary>
public static class OidcSetup
{
    public const string JwksPath = "/oidc/jwks";

    public static IServiceCollection AddOidc(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SigningKeyOptions>(configuration.GetSection(SigningKeyOptions.Section));
        services.AddSingleton<ISigningKeyStore, SigningKeyStore>();
        services.AddSingleton<KeyRing>();
        return services;
    }

    public static IEndpointRouteBuilder MapOidc(this IEndpointRouteBuilder endpoints)
    {
        // RFC 7517 section 5: the public keys that verify Roster's tokens, old ones included until they retire.
        endpoints.MapGet(JwksPath, async (KeyRing keys, HttpContext context, CancellationToken cancellationToken) =>
        {
            var set = await keys.PublicKeysAsync(cancellationToken);
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text(JsonSerializerOf(set), "application/jwk-set+json");
        }).AllowAnonymous();
        return endpoints;
    }

    private static string JsonSerializerOf(JsonWebKeySet set) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = set.Keys.Select(k => k.Kty == JsonWebAlgorithmsKeyTypes.RSA
                ? (object)new { kty = k.Kty, use = k.Use, alg = k.Alg, kid = k.Kid, n = k.N, e = k.E }
                : new { kty = k.Kty, use = k.Use, alg = k.Alg, kid = k.Kid, crv = k.Crv, x = k.X, y = k.Y }),
        });
}
