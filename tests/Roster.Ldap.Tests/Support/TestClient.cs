using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Roster.Ldap.Tests.Support;

// A minimal LDAP client over a real socket, built on the codec under test: it sends requests and reads whole
// responses, so tests see exactly what the server put on the wire.
public sealed class TestClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private int _nextId;

    private TestClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<TestClient> ConnectAsync(IPEndPoint endpoint, bool tls = false)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint);
        var client = new TestClient(tcp, tcp.GetStream());
        if (tls)
        {
            await client.HandshakeAsync();
        }
        return client;
    }

    public async Task HandshakeAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost").WaitAsync(Timeout);
        _stream = tls;
    }

    public async Task<int> SendAsync(ProtocolOp op, params Control[] controls)
    {
        var id = ++_nextId;
        await SendAsync(new LdapMessage(id, op, [.. controls]));
        return id;
    }

    public Task SendAsync(LdapMessage message) => SendRawAsync(LdapCodec.Encode(message));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    // One whole LDAPMessage, or null when the server closed the connection.
    public async Task<LdapMessage?> ReceiveAsync()
    {
        var header = new byte[6];
        if (!await ReadExactlyAsync(header.AsMemory(0, 2)))
        {
            return null;
        }
        int headerLength = 2, length = header[1];
        if (length >= 0x80)
        {
            var count = length & 0x7F;
            if (!await ReadExactlyAsync(header.AsMemory(2, count)))
            {
                throw new EndOfStreamException("Truncated length.");
            }
            length = 0;
            for (var k = 0; k < count; k++)
            {
                length = (length << 8) | header[2 + k];
            }
            headerLength += count;
        }
        var frame = new byte[headerLength + length];
        header.AsSpan(0, headerLength).CopyTo(frame);
        if (!await ReadExactlyAsync(frame.AsMemory(headerLength)))
        {
            throw new EndOfStreamException("Truncated message.");
        }
        return LdapCodec.Decode(frame);
    }

    public async Task<LdapMessage> ExpectAsync() => await ReceiveAsync() ?? throw new EndOfStreamException("The server closed the connection.");

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer[read..]).AsTask().WaitAsync(Timeout);
            }
            catch (IOException)
            {
                n = 0;
            }
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("Connection closed mid-message.");
            }
            read += n;
        }
        return true;
    }

    // True once the server has closed the connection (after draining whatever it still sent).
    public async Task<bool> IsClosedAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
                if (n == 0)
                {
                    return true;
                }
            }
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

    public async Task<LdapResult> BindAsync(string name, string password)
    {
        var id = await SendAsync(new BindRequest(3, name, new SimpleAuthentication(password)));
        var response = await ExpectAsync();
        Assert.Equal(id, response.MessageId);
        return Assert.IsType<BindResponse>(response.ProtocolOp).Result;
    }

    public sealed record SearchOutcome(List<SearchResultEntry> Entries, LdapResult Result, ValueArray<Control> Controls)
    {
        public string[] Dns => [.. Entries.Select(e => e.ObjectName)];

        public SearchResultEntry Single() => Assert.Single(Entries);
    }

    public Task<SearchOutcome> SearchAsync(string baseDn, SearchScope scope, string filter, params string[] attributes) =>
        SearchAsync(new SearchRequest(baseDn, scope, DerefAliases.NeverDerefAliases, 0, 0, false, Filter.Parse(filter), [.. attributes]));

    public async Task<SearchOutcome> SearchAsync(SearchRequest request, params Control[] controls)
    {
        var id = await SendAsync(request, controls);
        return await ReadSearchAsync(id);
    }

    public async Task<SearchOutcome> ReadSearchAsync(int id)
    {
        var entries = new List<SearchResultEntry>();
        while (true)
        {
            var message = await ExpectAsync();
            Assert.Equal(id, message.MessageId);
            switch (message.ProtocolOp)
            {
                case SearchResultEntry entry:
                    entries.Add(entry);
                    break;
                case SearchResultDone done:
                    return new SearchOutcome(entries, done.Result, message.Controls);
                default:
                    throw new InvalidOperationException($"Unexpected {message.ProtocolOp}.");
            }
        }
    }

    public async Task<ExtendedResponse> ExtendedAsync(string name, byte[]? value = null)
    {
        var id = await SendAsync(new ExtendedRequest(name, value is null ? null : new ValueArray<byte>(value)));
        var response = await ExpectAsync();
        Assert.Equal(id, response.MessageId);
        return Assert.IsType<ExtendedResponse>(response.ProtocolOp);
    }

    public async Task<string> WhoAmIAsync()
    {
        var response = await ExtendedAsync(Extended.WhoAmIOid);
        Assert.Equal(ResultCode.Success, response.Result.ResultCode);
        return response.ResponseValue is { } value ? Encoding.UTF8.GetString(value.AsSpan()) : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
