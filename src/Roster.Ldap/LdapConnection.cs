using System.Buffers;
using System.Formats.Asn1;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Roster.Ldap;

// One LDAP session (RFC 4511 5): reads PDUs, runs each operation, writes its responses. Operations run one at a time
// in arrival order, which keeps one writer and one bound identity without locks; while one waits on the host, the
// connection keeps reading so that an Abandon for it takes effect. Responses are encoded straight into the output
// pipe and flushed once per batch of pipelined requests. Whatever a peer sends can end only its own connection.
internal sealed partial class LdapConnection
{
    public const string NoticeOfDisconnectionOid = "1.3.6.1.4.1.1466.20036";

    private const int FlushThreshold = 64 * 1024;

    private readonly LdapServer _server;
    private readonly Socket _socket;
    private readonly bool _implicitTls;
    // Cancelled when the server stops, when the connection closes, and when it has been idle too long.
    private readonly CancellationTokenSource _closed;
    // The token of the running operation, cancelled by Abandon; reset and reused after each operation.
    private CancellationTokenSource _operation;
    private readonly AsnWriter _writer = new(AsnEncodingRules.BER);
    private Stream _stream = Stream.Null;
    private PipeReader? _input;
    private PipeWriter? _output;
    // A read begun while an operation ran, which the main loop picks up.
    private Task<ReadResult>? _pendingRead;
    private int _outstandingId;
    private bool _startTlsRequested;
    // Null until a bind succeeds; a failed bind returns the connection to this anonymous state (RFC 4513 5.1).
    private BoundIdentity? _bound;
    // The last identity a bind established, which a failed bind does not clear: the host may ask who opened the
    // connection (IDirectory.BindAsync's `earlier`).
    private BoundIdentity? _lastBound;

    public LdapConnection(LdapServer server, Socket socket, bool implicitTls)
    {
        _server = server;
        _socket = socket;
        _implicitTls = implicitTls;
        _closed = new CancellationTokenSource(Timeout.InfiniteTimeSpan, server.TimeProvider);
        _operation = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
    }

    public IPEndPoint RemoteEndPoint { get; }

    public bool IsTls { get; private set; }

    private LdapServerOptions Options => _server.Options;

    private ILogger Logger => _server.Logger;

    private PipeWriter Output => _output ?? throw new InvalidOperationException("The connection has no output yet.");

    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task RunAsync()
    {
        Log.Connected(Logger, RemoteEndPoint, _implicitTls);
        try
        {
            _socket.NoDelay = true;
            _stream = new NetworkStream(_socket, ownsSocket: true);
            if (_implicitTls)
            {
                await AuthenticateTlsAsync();
            }
            CreatePipes();
            await ProcessAsync();
        }
        catch (LdapProtocolException e)
        {
            Log.ProtocolError(Logger, RemoteEndPoint, e.Message);
            await NotifyDisconnectionAsync(e.Message);
        }
        catch (Exception e) when (IsDisconnection(e))
        {
            Log.Disconnected(Logger, RemoteEndPoint, e.GetType().Name);
        }
        catch (Exception e)
        {
            // A bug, not the peer's doing: logged loudly, and still only this connection ends.
            Log.ConnectionFailed(Logger, e, RemoteEndPoint);
        }
        finally
        {
            await CloseAsync();
            Log.Closed(Logger, RemoteEndPoint);
        }
    }

    private static bool IsDisconnection(Exception e) =>
        e is OperationCanceledException or IOException or SocketException or AuthenticationException or ObjectDisposedException;

    private void CreatePipes()
    {
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 8 * 1024, leaveOpen: true));
    }

    private void ArmIdleTimer()
    {
        if (Options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            _closed.CancelAfter(Options.IdleTimeout);
        }
    }

    private async Task ProcessAsync()
    {
        while (true)
        {
            // StartTLS replaces the pipes, so they are fetched anew each round.
            var input = _input!;
            if (Output.UnflushedBytes > 0)
            {
                await Output.FlushAsync(_closed.Token);
            }
            ArmIdleTimer();
            var result = _pendingRead is { } pending ? await pending : await input.ReadAsync(_closed.Token);
            _pendingRead = null;
            var buffer = result.Buffer;
            var advanced = false;
            var keepOpen = true;
            while (keepOpen && LdapCodec.TryGetFrameLength(buffer, Options.MaxMessageSize, out var length))
            {
                var message = Decode(buffer.Slice(0, length));
                buffer = buffer.Slice(length);
                var operation = DispatchAsync(message);
                if (operation.IsCompleted)
                {
                    keepOpen = operation.GetAwaiter().GetResult();
                }
                else
                {
                    // Hand the unread rest back to the pipe: WaitAsync reads on, looking for an Abandon.
                    input.AdvanceTo(buffer.Start);
                    advanced = true;
                    keepOpen = await WaitAsync(operation);
                }
                if (_startTlsRequested)
                {
                    if (!advanced)
                    {
                        input.AdvanceTo(buffer.Start);
                        advanced = true;
                    }
                    await StartTlsAsync(buffer.IsEmpty);
                    break;
                }
                if (advanced)
                {
                    break;
                }
            }
            if (!advanced)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (!keepOpen)
            {
                await Output.FlushAsync(_closed.Token);
                return;
            }
            if (result.IsCompleted && !advanced)
            {
                // The peer closed its side; anything left is a message it never finished.
                return;
            }
        }
    }

    // While an operation waits on the host, reads on and applies Abandon requests; anything else waits its turn.
    private async Task<bool> WaitAsync(ValueTask<bool> operation)
    {
        var task = operation.AsTask();
        var input = _input!;
        try
        {
            while (true)
            {
                var read = input.ReadAsync(_closed.Token).AsTask();
                if (await Task.WhenAny(task, read) == task)
                {
                    _pendingRead = read;
                    return await task;
                }
                var result = await read;
                var buffer = result.Buffer;
                var blocked = false;
                while (LdapCodec.TryGetFrameLength(buffer, Options.MaxMessageSize, out var length))
                {
                    var message = Decode(buffer.Slice(0, length));
                    if (message.ProtocolOp is not AbandonRequest abandon)
                    {
                        blocked = true;
                        break;
                    }
                    Abandon(abandon.MessageId);
                    buffer = buffer.Slice(length);
                }
                if (blocked || result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start);
                    return await task;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (LdapProtocolException)
        {
            // The notice of disconnection must not interleave with the operation's responses.
            await _operation.CancelAsync();
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
            throw;
        }
    }

    private void Abandon(int messageId)
    {
        // Abandon has no response (RFC 4511 4.11); an operation already finished or unknown is simply not found.
        if (messageId != 0 && messageId == _outstandingId)
        {
            Log.Abandoned(Logger, RemoteEndPoint, messageId);
            _operation.Cancel();
        }
    }

    private static LdapMessage Decode(ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            return LdapCodec.Decode(frame.First);
        }
        var length = (int)frame.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            frame.CopyTo(rented);
            return LdapCodec.Decode(rented.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // Runs one request; false ends the session (Unbind).
    private async ValueTask<bool> DispatchAsync(LdapMessage message)
    {
        if (message.MessageId == 0)
        {
            throw new LdapProtocolException("MessageID 0 is reserved for unsolicited notifications.");
        }
        var id = message.MessageId;
        var op = message.ProtocolOp;
        if (op is LdapResponse)
        {
            throw new LdapProtocolException($"{op.GetType().Name} is not a request.");
        }
        if (op is UnbindRequest)
        {
            return false;
        }
        if (op is AbandonRequest abandon)
        {
            Abandon(abandon.MessageId);
            return true;
        }
        // Criticality marks a control the client cannot do without (4.1.11); the only one known is paging on a search.
        foreach (var control in message.Controls)
        {
            if (control.Criticality && !(op is SearchRequest && control.ControlType == Paging.Oid))
            {
                Send(id, ResponseTo(op, LdapResult.Error(ResultCode.UnavailableCriticalExtension, $"Control {control.ControlType} is not supported.")));
                return true;
            }
        }
        _outstandingId = id;
        var token = _operation.Token;
        try
        {
            switch (op)
            {
                case BindRequest bind:
                    await BindAsync(id, bind, token);
                    break;
                case SearchRequest search:
                    await SearchAsync(id, search, message.Controls, token);
                    break;
                case CompareRequest compare:
                    await CompareAsync(id, compare, token);
                    break;
                case ExtendedRequest extended:
                    HandleExtended(id, extended);
                    break;
                default:
                    Send(id, Writes.Refuse(op));
                    break;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !_closed.IsCancellationRequested)
        {
            // Abandoned: no further response for this operation.
            _writer.Reset();
        }
        catch (Exception e) when (e is not (OperationCanceledException or LdapProtocolException or IOException or SocketException))
        {
            // The host failed (its database is down, a bug): the client gets an answer and the session goes on.
            Log.OperationFailed(Logger, e, op.GetType().Name, RemoteEndPoint);
            _writer.Reset();
            Send(id, ResponseTo(op, LdapResult.Error(ResultCode.Other, "The directory failed to answer; try again later.")));
        }
        finally
        {
            _outstandingId = 0;
            if (!_operation.TryReset())
            {
                _operation.Dispose();
                _operation = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            }
        }
        return true;
    }

    // The response type that answers a request, for errors found before the operation runs.
    private static LdapResponse ResponseTo(ProtocolOp request, LdapResult result) => request switch
    {
        BindRequest => new BindResponse(result),
        SearchRequest => new SearchResultDone(result),
        CompareRequest => new CompareResponse(result),
        ExtendedRequest => new ExtendedResponse(result),
        _ => Writes.Refuse(request, result),
    };

    private void Send(int messageId, ProtocolOp op, ValueArray<Control> controls = default)
    {
        try
        {
            LdapCodec.Write(_writer, new LdapMessage(messageId, op, controls));
            Commit();
        }
        finally
        {
            _writer.Reset();
        }
    }

    // Copies what _writer holds into the output pipe, without flushing.
    private void Commit()
    {
        var length = _writer.GetEncodedLength();
        var output = Output;
        _writer.Encode(output.GetSpan(length));
        output.Advance(length);
        _writer.Reset();
    }

    // Long searches flush as they go, so a slow reader slows the search instead of growing the buffer.
    private ValueTask<FlushResult> FlushIfLargeAsync(CancellationToken cancellationToken) =>
        Output.UnflushedBytes > FlushThreshold ? Output.FlushAsync(cancellationToken) : default;

    private async Task NotifyDisconnectionAsync(string reason)
    {
        if (_output is null)
        {
            return;
        }
        try
        {
            _writer.Reset();
            // RFC 4511 4.4.1: an unsolicited notification with messageID 0, then the connection closes.
            Send(0, new ExtendedResponse(LdapResult.Error(ResultCode.ProtocolError, reason), NoticeOfDisconnectionOid));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _server.TimeProvider);
            await _output.FlushAsync(timeout.Token);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (IsDisconnection(e) || e is InvalidOperationException)
        {
        }
    }

    private async Task CloseAsync()
    {
        Close();
        // The stream goes first so that completing the pipes cannot wait on a peer that stopped reading.
        try
        {
            await _stream.DisposeAsync();
        }
        catch (Exception e) when (IsDisconnection(e) || e is InvalidOperationException)
        {
        }
        _socket.Dispose();
        foreach (var complete in new Func<ValueTask>[] { () => _input?.CompleteAsync() ?? default, () => _output?.CompleteAsync() ?? default })
        {
            try
            {
                await complete();
            }
            catch (Exception e) when (IsDisconnection(e) || e is InvalidOperationException)
            {
            }
        }
        if (_pendingRead is { } pending)
        {
            await pending.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
        _operation.Dispose();
        _closed.Dispose();
    }
}
