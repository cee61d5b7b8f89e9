using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Outbox;

public static class OutboxSetup
{
    /// <summary>The queue and its sender, once for the host; each feature adds the channels it delivers.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxQueue>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IInterceptor>(provider => provider.GetRequiredService<OutboxSignal>());
        services.AddHostedService<OutboxSender>();
        return services;
    }

    /// <summary>Lets the sender deliver <typeparamref name="TChannel"/>'s messages; the feature registers the type itself, with its lifetime.</summary>
    public static IServiceCollection AddOutboxChannel<TChannel>(this IServiceCollection services) where TChannel : class, IOutboxChannel =>
        services.AddScoped<IOutboxChannel>(provider => provider.GetRequiredService<TChannel>());
}
