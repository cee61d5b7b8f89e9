using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class ExtendedTests
{
    internal static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // A round trip through PKCS#12 gives a key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task WhoAmIAnswersTheBoundDnOrNothingForAnonymous()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        Assert.Equal("", await client.WhoAmIAsync());
        await client.BindAsync("uid=bob,ou=people,dc=example,dc=org", "bob-password");
        Assert.Equal("dn:uid=bob,ou=people,dc=example,dc=org", await client.WhoAmIAsync());
    }

    [Fact]
    public async Task AnUnknownExtendedOperationGetsOnlyAProtocolError()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var response = await client.ExtendedAsync("1.3.6.1.4.1.4203.1.11.1", [0x30, 0x00]);

        Assert.Equal(ResultCode.ProtocolError, response.Result.ResultCode);
        Assert.Null(response.ResponseName);
        Assert.Null(response.ResponseValue);
        Assert.Equal("dn:uid=alice,ou=people,dc=example,dc=org", await client.WhoAmIAsync());
    }

    [Fact]
    public async Task StartTlsWithoutACertificateIsAProtocolErrorAndTheSessionGoesOnInPlainText()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var response = await client.ExtendedAsync(Extended.StartTlsOid);

        Assert.Equal(ResultCode.ProtocolError, response.Result.ResultCode);
        Assert.Equal(ResultCode.Success, (await client.BindAsync("uid=alice,ou=people,dc=example,dc=org", "alice-password")).ResultCode);
    }

    [Fact]
    public async Task StartTlsUpgradesThePlainConnection()
    {
        using var certificate = SelfSigned();
        await using var server = await TestServer.StartAsync(o => o.Certificate = certificate);
        await using var client = await server.ConnectAsync();
        var rootDse = await client.SearchAsync("", SearchScope.BaseObject, "(objectClass=*)", "supportedExtension");

        var response = await client.ExtendedAsync(Extended.StartTlsOid);
        await client.HandshakeAsync();

        Assert.Contains(Extended.StartTlsOid, rootDse.Single().Attributes.Single().Values);
        Assert.Equal(ResultCode.Success, response.Result.ResultCode);
        Assert.Equal(Extended.StartTlsOid, response.ResponseName);
        Assert.Equal(ResultCode.Success, (await client.BindAsync("uid=alice,ou=people,dc=example,dc=org", "alice-password")).ResultCode);
        Assert.Single((await client.SearchAsync(TestServer.People, SearchScope.SingleLevel, "(uid=bob)")).Entries);
        Assert.Equal(ResultCode.OperationsError, (await client.ExtendedAsync(Extended.StartTlsOid)).Result.ResultCode);
    }

    [Fact]
    public async Task LdapsSpeaksTlsFromTheFirstByte()
    {
        using var certificate = SelfSigned();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Certificate = certificate;
            o.ListenTls = [new IPEndPoint(IPAddress.Loopback, 0)];
        });
        await using var client = await TestClient.ConnectAsync(server.Server.TlsEndpoints[0], tls: true);

        Assert.Equal(ResultCode.Success, (await client.BindAsync("uid=alice,ou=people,dc=example,dc=org", "alice-password")).ResultCode);
        Assert.Equal(ResultCode.OperationsError, (await client.ExtendedAsync(Extended.StartTlsOid)).Result.ResultCode);
    }
}
