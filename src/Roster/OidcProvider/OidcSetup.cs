using Roster.Accounts;
using Roster.Outbox;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>Roster as an OpenID Connect provider: the protocol from Roster.Oidc, on Roster's database, sessions and pages.</summary>
public static class OidcSetup
{
    public static IServiceCollection AddOidc(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOidcProtocol(configuration);
        services.AddSingleton(provider => new OidcIssuer(provider.GetRequiredService<Links>().Origin));
        services.AddSingleton<ISigningKeyStore, SigningKeyStore>();
        services.AddSingleton<IRefreshTokenKeyStore, RefreshTokenKeyStore>();
        services.AddSingleton<ICredentialThrottle>(provider => provider.GetRequiredService<FailedTokenAttempts>());
        services.AddScoped<IClientStore, ClientStore>();
        services.AddScoped<IGrantStore, GrantStore>();
        services.AddScoped<IDeviceCodeStore, DeviceCodeStore>();
        services.AddScoped<DeviceApprovals>();
        services.AddScoped<IResourceStore, ResourceStore>();
        services.AddScoped<Consents>();
        services.AddScoped<IConsentStore>(provider => provider.GetRequiredService<Consents>());
        services.AddScoped<ApiResources>();
        services.AddScoped<IUserDirectory, UserDirectory>();
        services.AddScoped<ISignInHandOff, SignInHandOff>();
        services.AddScoped<AppSessions>();
        services.AddScoped<IAppSessions>(provider => provider.GetRequiredService<AppSessions>());
        services.AddScoped<BackChannelLogouts>();
        services.AddOutboxChannel<BackChannelLogouts>();
        services.AddHostedService<GrantCleanup>();
        return services;
    }

    public static IEndpointRouteBuilder MapOidc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapApisApi();
        return endpoints.MapOidcProtocol();
    }
}
