using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Roster.Kernel;

/// <summary>
/// Absolute links for emails and the CLI: the configured public URL, else the address this server
/// listens on. Never the request's Host header: anyone can send any Host, and a reset link pointing at
/// their own server would hand them the token ("password reset poisoning").
/// </summary>
public sealed class Links(IOptions<InstanceOptions> options, IServiceProvider services)
{
    public string Absolute(string path) => Origin() + path;

    /// <summary>Whether links come from Roster:PublicUrl rather than the listening address.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.PublicUrl);

    public string Origin()
    {
        if (Configured)
            return options.Value.PublicUrl!.TrimEnd('/');
        var listening = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Roster__PublicUrl (the address people use to reach Roster, e.g. https://id.example.org) so links can be built outside the running server.");
        // "http://+:80", "http://*:80", "http://0.0.0.0:80" and "http://[::]:80" name no host a person could type.
        var uri = new Uri(listening.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
