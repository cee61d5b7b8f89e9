using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Roster.Hosting;

/// <summary>
/// Running behind a reverse proxy: the client's address and scheme come from X-Forwarded-For and
/// X-Forwarded-Proto, but only when the request comes from a proxy the operator trusts. Everything that
/// reads the client's address (per-address rate limits, the audit log, the sessions list) then sees the
/// person's address, not the proxy's; a forged header from anywhere else is ignored.
/// </summary>
public static class ReverseProxy
{
    public const string Section = "Roster:TrustedProxies";

    /// <summary>Loopback unless configured: a proxy on the same machine, as in the README's examples.</summary>
    private static readonly string[] Default = ["127.0.0.0/8", "::1/128"];

    public static IServiceCollection AddReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = configuration.GetSection(Section).Get<string[]>() is { Length: > 0 } configured ? configured : Default;
        var networks = trusted.Select(Parse).ToList();
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in networks)
                forwarded.KnownIPNetworks.Add(network);
        });
        return services;
    }

    private static IPNetwork Parse(string value)
    {
        if (IPNetwork.TryParse(value, out var network))
            return network;
        if (IPAddress.TryParse(value, out var address))
            return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
        throw new InvalidOperationException($"{Section.Replace(":", "__")}: '{value}' is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24).");
    }
}
