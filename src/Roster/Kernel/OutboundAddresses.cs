using System.Net;

namespace Roster.Kernel;

public enum AddressKind
{
    /// <summary>An address on the internet at large: anyone who configures a target may reach it.</summary>
    Public,

    /// <summary>Roster's own machine or its private networks: reached only for a target an admin configured.</summary>
    Private,

    /// <summary>Never reached, whoever configured it: link-local, cloud metadata, unspecified, multicast, broadcast, reserved.</summary>
    Forbidden,
}

/// <summary>
/// Which addresses a request to a URI someone else configured may reach (server-side request forgery).
/// An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it reaches.
/// </summary>
public static class OutboundAddresses
{
    // Checked before the private ranges, since two metadata addresses lie inside them (CGNAT, ULA).
    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"),          // "this network"; 0.0.0.0 reaches the local host on Linux
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, home of 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
        IPNetwork.Parse("100.100.100.200/32"), // Alibaba Cloud metadata
        IPNetwork.Parse("224.0.0.0/4"),        // multicast
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, with 255.255.255.255 broadcast
        IPNetwork.Parse("::/128"),             // unspecified
        IPNetwork.Parse("fe80::/10"),          // link-local
        IPNetwork.Parse("fd00:ec2::254/128"),  // AWS metadata over IPv6
        IPNetwork.Parse("ff00::/8"),           // multicast
    ];

    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("127.0.0.0/8"),        // loopback
        IPNetwork.Parse("10.0.0.0/8"),         // RFC 1918
        IPNetwork.Parse("172.16.0.0/12"),      // RFC 1918
        IPNetwork.Parse("192.168.0.0/16"),     // RFC 1918
        IPNetwork.Parse("100.64.0.0/10"),      // carrier-grade NAT (RFC 6598)
        IPNetwork.Parse("::1/128"),            // loopback
        IPNetwork.Parse("fc00::/7"),           // unique local
        IPNetwork.Parse("fec0::/10"),          // site-local, deprecated but still routed by some networks
    ];

    public static AddressKind Classify(IPAddress address)
    {
        // The scope id of fe80::1%eth0 does not change which range the address is in.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : new IPAddress(address.GetAddressBytes());
        if (Forbidden.Any(range => range.Contains(plain)))
            return AddressKind.Forbidden;
        return Private.Any(range => range.Contains(plain)) ? AddressKind.Private : AddressKind.Public;
    }

    /// <summary>Whether a request may go to <paramref name="address"/>: private ones only when an admin chose the target.</summary>
    public static bool MayReach(IPAddress address, bool allowPrivate) => Classify(address) switch
    {
        AddressKind.Public => true,
        AddressKind.Private => allowPrivate,
        _ => false,
    };

    /// <summary>
    /// What a host name says about its address before anything resolves it: the address of an IP literal,
    /// and loopback for <c>localhost</c> and its subdomains (RFC 6761 section 6.3). Other names are
    /// <see cref="AddressKind.Public"/> here; their real addresses are checked when connecting.
    /// </summary>
    public static AddressKind ClassifyHost(string host)
    {
        var name = host.Trim('[', ']').TrimEnd('.');
        if (IPAddress.TryParse(name, out var literal))
            return Classify(literal);
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? AddressKind.Private : AddressKind.Public;
    }
}
