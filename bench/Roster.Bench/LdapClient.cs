using System.Buffers.Binary;
using System.Diagnostics;
using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;

namespace Roster.Bench;

/// <summary>
/// A minimal LDAP client for load: one connection, a simple bind, then equality searches one at a time.
/// Requests are BER-encoded with System.Formats.Asn1; answers are framed by their BER length and only
/// the operation tags and result codes are read, so the client spends little of its core per search.
/// </summary>
public sealed class LdapClient : IAsyncDisposable
{
    private const byte BindResponse = 0x61;
    private const byte SearchResultEntry = 0x64;
    private const byte SearchResultDone = 0x65;

    private enum SearchScope { WholeSubtree = 2 }

    private enum DerefAliases { Never = 0 }

    private readonly Socket socket;
    private readonly NetworkStream stream;
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private int messageId;

    private LdapClient(Socket socket)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<LdapClient> ConnectAsync(IPEndPoint endpoint, string bindDn, string password, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, cancellationToken);
        var client = new LdapClient(socket);
        await client.BindAsync(bindDn, password, cancellationToken);
        return client;
    }

    /// <summary>A simple bind (RFC 4511 section 4.2) on this connection; anything but success throws.</summary>
    public async Task BindAsync(string bindDn, string password, CancellationToken cancellationToken)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(++messageId);
            using (writer.PushSequence(new Asn1Tag(TagClass.Application, 0)))
            {
                writer.WriteInteger(3);
                writer.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(bindDn));
                writer.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(password), new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }
        await stream.WriteAsync(writer.Encode(), cancellationToken);
        var (_, op, result) = await ReadMessageAsync(cancellationToken);
        if (op != BindResponse || result != 0)
            throw new InvalidOperationException($"The bind as {bindDn} answered result code {result}.");
    }

    /// <summary>
    /// Sends one subtree search of <paramref name="baseDn"/> for <c>(attribute=value)</c> per value, all at once
    /// (LDAP lets a client have several outstanding), then reads every answer; the entries each found, in order.
    /// </summary>
    public async Task<int[]> SearchAsync(string baseDn, string attribute, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        var requests = new List<byte[]>(values.Count);
        foreach (var value in values)
        {
            writer.Reset();
            using (writer.PushSequence())
            {
                writer.WriteInteger(++messageId);
                using (writer.PushSequence(new Asn1Tag(TagClass.Application, 3)))
                {
                    writer.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(baseDn));
                    writer.WriteEnumeratedValue(SearchScope.WholeSubtree);
                    writer.WriteEnumeratedValue(DerefAliases.Never);
                    writer.WriteInteger(0);
                    writer.WriteInteger(0);
                    writer.WriteBoolean(false);
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3))) // equalityMatch
                    {
                        writer.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(attribute));
                        writer.WriteOctetString(System.Text.Encoding.UTF8.GetBytes(value));
                    }
                    using (writer.PushSequence())
                    {
                    }
                }
            }
            requests.Add(writer.Encode());
        }
        await stream.WriteAsync(requests.SelectMany(r => r).ToArray(), cancellationToken);
        // A server may answer outstanding requests in any order, interleaved (RFC 4511 section 4.1.1.1): by message ID.
        var first = messageId - values.Count + 1;
        var found = new int[values.Count];
        for (var done = 0; done < values.Count;)
        {
            var (id, op, result) = await ReadMessageAsync(cancellationToken);
            var index = id - first;
            if (index < 0 || index >= values.Count)
                throw new InvalidOperationException($"An answer to message {id}, which is not outstanding.");
            if (op == SearchResultEntry)
                found[index]++;
            else if (op == SearchResultDone)
            {
                if (result != 0)
                    throw new InvalidOperationException($"A search for ({attribute}={values[index]}) answered result code {result}.");
                done++;
            }
        }
        return found;
    }

    /// <summary>The next message's ID, protocol-operation tag and, for an LDAPResult, its result code (-1 otherwise).</summary>
    private async Task<(int Id, byte Op, int Result)> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryFrame(out var length, out var header) && end - start >= header + length)
            {
                var message = buffer.AsSpan(start + header, length);
                start += header + length;
                // messageID INTEGER, then the operation.
                var idLength = message[1];
                var id = 0;
                foreach (var octet in message.Slice(2, idLength))
                    id = id << 8 | octet;
                var op = message[2 + idLength];
                var opBody = message[(2 + idLength)..];
                SkipHeader(opBody, out var opHeader);
                var result = opBody.Length > opHeader + 2 && opBody[opHeader] == 0x0a ? opBody[opHeader + 2] : -1;
                return (id, op, result);
            }
            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
                throw new IOException("The server closed the connection.");
            end += read;
        }
    }

    private bool TryFrame(out int length, out int header)
    {
        length = header = 0;
        if (end - start < 2)
            return false;
        var available = buffer.AsSpan(start, end - start);
        Debug.Assert(available[0] == 0x30);
        return TryLength(available, out length, out header);
    }

    private static void SkipHeader(ReadOnlySpan<byte> tlv, out int header) => TryLength(tlv, out _, out header);

    private static bool TryLength(ReadOnlySpan<byte> tlv, out int length, out int header)
    {
        length = header = 0;
        if (tlv.Length < 2)
            return false;
        if (tlv[1] < 0x80)
        {
            length = tlv[1];
            header = 2;
            return true;
        }
        var octets = tlv[1] & 0x7f;
        if (tlv.Length < 2 + octets)
            return false;
        Span<byte> big = stackalloc byte[4];
        tlv.Slice(2, octets).CopyTo(big[(4 - octets)..]);
        length = BinaryPrimitives.ReadInt32BigEndian(big);
        header = 2 + octets;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        socket.Dispose();
    }
}
