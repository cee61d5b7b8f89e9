using System.Net.Sockets;
using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

// Malformed input ends only the connection that sent it (RFC 4511 4.1.1 and 4.4.1), and nothing a peer sends
// reaches the listener: TestServer.DisposeAsync also checks that the server logged no error.
public class RobustnessTests
{
    private const string Alice = "uid=alice,ou=people,dc=example,dc=org";

    public static TheoryData<string, string> MalformedInput()
    {
        Filter deep = new EqualityFilter("uid", "alice");
        for (var i = 0; i < 100; i++)
        {
            deep = new NotFilter(deep);
        }
        var deepSearch = LdapCodec.Encode(new LdapMessage(2, new SearchRequest("", SearchScope.BaseObject, DerefAliases.NeverDerefAliases, 0, 0, false, deep)));
        var clientResponse = LdapCodec.Encode(new LdapMessage(2, new BindResponse(LdapResult.Success)));
        var idZero = LdapCodec.Encode(new LdapMessage(0, new UnbindRequest()));
        return new()
        {
            { "a wrong outer tag", "3103020101" },
            { "an indefinite length", "3080020101" },
            { "a length of more than four octets", "3088ffffffffffffffff" },
            { "a length beyond MaxMessageSize", "3084002000000201" },
            { "an inner length running past the message", "300c020101600702010304008005" },
            { "a truncated inner element", "3006020101600304" },
            { "an unknown protocol operation", "30050201017100" },
            { "a constructed OCTET STRING", "3010020101600b0201032404040004008000" },
            { "a filter nested a hundred deep", Convert.ToHexString(deepSearch) },
            { "a response sent as a request", Convert.ToHexString(clientResponse) },
            { "message ID zero", Convert.ToHexString(idZero) },
            { "an empty message", "3000" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedInput))]
    public async Task MalformedInputGetsANoticeOfDisconnectionAndEndsOnlyThatConnection(string what, string hex)
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await server.ConnectAsAliceAsync();
        await using var offender = await server.ConnectAsync();

        await offender.SendRawAsync(Convert.FromHexString(hex));

        var notice = await offender.ReceiveAsync();
        Assert.NotNull(notice);
        Assert.Equal(0, notice.MessageId);
        var response = Assert.IsType<ExtendedResponse>(notice.ProtocolOp);
        Assert.Equal("1.3.6.1.4.1.1466.20036", response.ResponseName);
        Assert.Equal(ResultCode.ProtocolError, response.Result.ResultCode);
        Assert.True(await offender.IsClosedAsync(), what);
        Assert.Single((await bystander.SearchAsync(TestServer.People, SearchScope.SingleLevel, "(uid=bob)")).Entries);
    }

    [Fact]
    public async Task APeerThatHangsUpMidMessageIsForgottenQuietly()
    {
        await using var server = await TestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Endpoint);
        var stream = tcp.GetStream();
        var bind = LdapCodec.Encode(new LdapMessage(1, new BindRequest(3, Alice, new SimpleAuthentication("alice-password"))));

        await stream.WriteAsync(bind.AsMemory(0, bind.Length / 2));
        tcp.Client.Shutdown(SocketShutdown.Send);

        Assert.True(await ClosedAsync(stream));
        await using var client = await server.ConnectAsAliceAsync();
    }

    [Fact]
    public async Task RandomBytesOnSeveralConnectionsNeverDisturbAHealthyClient()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxMessageSize = 64 * 1024);
        await using var healthy = await server.ConnectAsync();
        using var done = new CancellationTokenSource();

        async Task AttackAsync(int seed)
        {
            var random = new Random(seed);
            for (var round = 0; round < 40; round++)
            {
                using var tcp = new TcpClient { NoDelay = true };
                await tcp.ConnectAsync(server.Endpoint);
                var stream = tcp.GetStream();
                for (var burst = 0; burst < 3; burst++)
                {
                    var bytes = new byte[random.Next(1, 3000)];
                    random.NextBytes(bytes);
                    // Half the bursts look like a message at first, so the decoder goes past the outer header.
                    if (random.Next(2) == 0)
                    {
                        bytes[0] = 0x30;
                    }
                    if (random.Next(4) == 0)
                    {
                        var valid = LdapCodec.Encode(new LdapMessage(random.Next(1, 1000), new SearchRequest(
                            "dc=example,dc=org", SearchScope.WholeSubtree, DerefAliases.NeverDerefAliases, 0, 0, false, Filter.Parse("(uid=*)"))));
                        bytes = [.. valid, .. bytes];
                    }
                    try
                    {
                        await stream.WriteAsync(bytes);
                    }
                    catch (IOException)
                    {
                        break; // the server already hung up on this one
                    }
                }
            }
        }

        var attackers = Enumerable.Range(1, 4).Select(AttackAsync).ToArray();
        var rounds = 0;
        while (!attackers.All(a => a.IsCompleted) || rounds < 50)
        {
            Assert.Equal(ResultCode.Success, (await healthy.BindAsync(Alice, "alice-password")).ResultCode);
            var outcome = await healthy.SearchAsync(TestServer.People, SearchScope.SingleLevel, "(uid=carol)", "mail");
            Assert.Equal(["carol@example.net"], outcome.Single().Attributes.Single().Values);
            rounds++;
        }
        await Task.WhenAll(attackers);

        await using var newcomer = await server.ConnectAsAliceAsync();
        Assert.Equal("dn:" + Alice, await newcomer.WhoAmIAsync());
    }

    [Fact]
    public async Task AnIdleConnectionIsClosed()
    {
        await using var server = await TestServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(1));
        await using var client = await server.ConnectAsAliceAsync();

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosedAtOnce()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnections = 2);
        await using var first = await server.ConnectAsAliceAsync();
        await using var second = await server.ConnectAsAliceAsync();

        await using var third = await server.ConnectAsync();

        Assert.True(await third.IsClosedAsync());
        Assert.Equal("dn:" + Alice, await first.WhoAmIAsync());
    }

    [Fact]
    public async Task StoppingTheServerClosesOpenConnections()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        await server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(await client.IsClosedAsync());
        Assert.Equal(0, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task GarbageOnTheLdapsPortFailsOnlyThatHandshake()
    {
        using var certificate = ExtendedTests.SelfSigned();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Certificate = certificate;
            o.ListenTls = [new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)];
        });
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.Server.TlsEndpoints[0]);
            var stream = tcp.GetStream();
            await stream.WriteAsync(LdapCodec.Encode(new LdapMessage(1, new BindRequest(3, Alice, new SimpleAuthentication("alice-password")))));

            Assert.True(await ClosedAsync(stream));
        }

        await using var client = await TestClient.ConnectAsync(server.Server.TlsEndpoints[0], tls: true);
        Assert.Equal(ResultCode.Success, (await client.BindAsync(Alice, "alice-password")).ResultCode);
    }

    // Whether the server closed the connection (a TLS alert or a reset before the end count as closing too).
    private static async Task<bool> ClosedAsync(Stream stream)
    {
        var buffer = new byte[256];
        try
        {
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
