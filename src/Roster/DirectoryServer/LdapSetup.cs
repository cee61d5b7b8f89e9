using Microsoft.Extensions.Options;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>Roster as an LDAP directory: the protocol from Roster.Ldap over Roster's people, groups and apps.</summary>
public static class LdapSetup
{
    public static IServiceCollection AddLdap(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LdapSettings>(configuration.GetSection(LdapSettings.Section));
        services.AddSingleton<DirectoryChanges>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(provider => provider.GetRequiredService<DirectoryChanges>());
        services.AddSingleton(provider => new DirectoryTree(provider.GetRequiredService<IOptions<LdapSettings>>().Value.BaseDn));
        services.AddSingleton(provider => new BindThrottle(provider.GetRequiredService<Roster.Accounts.RateLimitOptions>()));
        services.AddSingleton<PosixAttributes>();
        services.AddSingleton<LdapDirectory>();
        services.AddSingleton<LdapHost>();
        services.AddHostedService(provider => provider.GetRequiredService<LdapHost>());
        services.AddHostedService<DirectoryChangeListener>();
        return services;
    }
}

/// <summary>Starts and stops the LDAP listener with the web host; a listener that cannot start stops Roster with the reason.</summary>
/// <summary>The LDAP listener could not take its address; the message says which setting to change.</summary>
public sealed class LdapListenException(string message, Exception inner) : IOException(message, inner);

public sealed class LdapHost(IOptions<LdapSettings> settings, IHostEnvironment environment, LdapDirectory directory, ILoggerFactory logs, TimeProvider clock) : IHostedService, IAsyncDisposable
{
    private LdapServer? server;

    /// <summary>The running server (its bound addresses), or null when LDAP is off.</summary>
    public LdapServer? Server => server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Value.Enabled)
            return;
        var options = settings.Value.ToServerOptions(environment.IsDevelopment());
        server = new LdapServer(options, directory, logs.CreateLogger<LdapServer>(), clock);
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new LdapListenException($"LDAP could not listen on {string.Join(", ", options.Listen.Concat(options.ListenTls))}: {e.Message}. Choose another address with Roster__Ldap__Listen (e.g. 127.0.0.1:3891), or turn LDAP off with Roster__Ldap__Enabled=false.", e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
            await server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
    }
}
