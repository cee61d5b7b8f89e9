using System.Net;

namespace Roster.Tests.Hosting;

/// <summary>Which addresses a request to a configured URI may reach: every range the request-forgery rule names, in IPv4, IPv6 and IPv4-mapped IPv6 form.</summary>
public sealed class OutboundAddressesTests
{
    [Theory]
    [InlineData("169.254.169.254")]       // AWS, GCP, Azure metadata
    [InlineData("169.254.0.1")]           // IPv4 link-local
    [InlineData("169.254.255.255")]
    [InlineData("100.100.100.200")]       // Alibaba metadata, inside CGNAT
    [InlineData("0.0.0.0")]               // unspecified
    [InlineData("0.1.2.3")]               // "this network"
    [InlineData("224.0.0.1")]             // multicast
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]       // broadcast
    [InlineData("240.0.0.1")]             // reserved
    [InlineData("::")]                    // unspecified
    [InlineData("fe80::1")]               // IPv6 link-local
    [InlineData("fe80::1%2")]
    [InlineData("febf:ffff::1")]
    [InlineData("fd00:ec2::254")]         // AWS metadata over IPv6, inside the unique-local range
    [InlineData("ff02::1")]               // multicast
    [InlineData("::ffff:169.254.169.254")] // the same, IPv4-mapped
    [InlineData("::ffff:100.100.100.200")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::ffff:224.0.0.1")]
    [InlineData("::ffff:255.255.255.255")]
    public void LinkLocalMetadataAndReservedAddressesAreNeverReachedEvenForAnAdmin(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(AddressKind.Forbidden, OutboundAddresses.Classify(ip));
        Assert.False(OutboundAddresses.MayReach(ip, allowPrivate: true));
    }

    [Theory]
    [InlineData("127.0.0.1")]             // loopback
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]              // RFC 1918
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    [InlineData("100.64.0.1")]            // carrier-grade NAT
    [InlineData("100.127.255.255")]
    [InlineData("::1")]                   // loopback
    [InlineData("fc00::1")]               // unique local
    [InlineData("fd12:3456::1")]
    [InlineData("fec0::1")]               // site-local
    [InlineData("::ffff:127.0.0.1")]      // the same, IPv4-mapped
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:172.20.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("::ffff:100.64.0.1")]
    public void LoopbackAndPrivateAddressesAreReachedOnlyForAnAdminsTarget(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(AddressKind.Private, OutboundAddresses.Classify(ip));
        Assert.False(OutboundAddresses.MayReach(ip, allowPrivate: false));
        Assert.True(OutboundAddresses.MayReach(ip, allowPrivate: true));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("1.1.1.1")]
    [InlineData("172.15.255.255")]        // just outside 172.16/12
    [InlineData("172.32.0.0")]
    [InlineData("100.63.255.255")]        // just outside CGNAT
    [InlineData("100.128.0.0")]
    [InlineData("169.253.255.255")]       // just outside link-local
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("fbff::1")]               // just outside fc00::/7
    [InlineData("::ffff:93.184.216.34")]
    public void PublicAddressesAreReachedByAnyonesTarget(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.Equal(AddressKind.Public, OutboundAddresses.Classify(ip));
        Assert.True(OutboundAddresses.MayReach(ip, allowPrivate: false));
    }

    [Theory]
    [InlineData("127.0.0.1", AddressKind.Private)]
    [InlineData("[::1]", AddressKind.Private)]
    [InlineData("[::ffff:127.0.0.1]", AddressKind.Private)]
    [InlineData("localhost", AddressKind.Private)]
    [InlineData("LOCALHOST.", AddressKind.Private)]
    [InlineData("app.localhost", AddressKind.Private)]
    [InlineData("169.254.169.254", AddressKind.Forbidden)]
    [InlineData("[fd00:ec2::254]", AddressKind.Forbidden)]
    [InlineData("notes.example.org", AddressKind.Public)]
    [InlineData("localhost.example.org", AddressKind.Public)]
    public void AHostIsJudgedByItsLiteralAddressOrAsLocalhostBeforeItIsResolved(string host, AddressKind expected) =>
        Assert.Equal(expected, OutboundAddresses.ClassifyHost(host));
}
