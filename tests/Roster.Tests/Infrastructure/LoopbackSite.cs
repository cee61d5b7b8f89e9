using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Roster.Tests.Infrastructure;

/// <summary>An app's own web server in a test: real Kestrel on 127.0.0.1 at a free port, stopped when disposed.</summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackSite(WebApplication app, string origin)
    {
        this.app = app;
        Origin = origin;
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Origin { get; }

    /// <summary>Builds the site with <paramref name="configure"/>'s services and <paramref name="map"/>'s endpoints, and starts it.</summary>
    public static async Task<LoopbackSite> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackSite(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
