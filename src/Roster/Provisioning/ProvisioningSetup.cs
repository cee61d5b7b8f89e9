using Microsoft.EntityFrameworkCore.Diagnostics;
using Roster.Outbox;

namespace Roster.Provisioning;

public static class ProvisioningSetup
{
    public static IServiceCollection AddProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section))
            .Validate(o => o.SyncInterval >= TimeSpan.FromMinutes(1), "Roster:Scim:SyncInterval must be at least one minute (for example 06:00:00).")
            .ValidateOnStart();
        services.AddSingleton<ScimTokens>();
        services.AddScoped<ScimReconciler>();
        services.AddScoped<ScimJobs>();
        services.AddOutboxChannel<ScimJobs>();
        services.AddScoped<ScimSettings>();
        services.AddSingleton<ScimTriggers>();
        services.AddSingleton<IInterceptor>(provider => provider.GetRequiredService<ScimTriggers>());
        services.AddSingleton<ScimPeriodicSync>();
        services.AddHostedService(provider => provider.GetRequiredService<ScimPeriodicSync>());
        return services;
    }

    public static IEndpointRouteBuilder MapProvisioning(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScimApi();
        return endpoints;
    }
}
