using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Roster.Ldap;

// The listener: accepts connections on the configured endpoints and runs each as its own LdapConnection. Nothing a
// connection does can reach the accept loops: every connection catches its own failures.
public sealed partial class LdapServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<LdapConnection, Task> _connections = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IPEndPoint> _endpoints = [];
    private readonly List<IPEndPoint> _tlsEndpoints = [];
    private int _started;

    public LdapServer(LdapServerOptions options, IDirectory directory, ILogger<LdapServer>? logger = null, TimeProvider? timeProvider = null)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        Options = options;
        Directory = directory;
        Logger = logger ?? NullLogger<LdapServer>.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Tree = new DirectoryTree(options.BaseDn);
        RootDse = Ldap.RootDse.Create(options, Tree);
        Subschema = Ldap.RootDse.CreateSubschema();
    }

    public LdapServerOptions Options { get; }

    public DirectoryTree Tree { get; }

    // The bound addresses, with the real port when 0 was configured; filled by StartAsync.
    public IReadOnlyList<IPEndPoint> Endpoints => _endpoints;

    public IReadOnlyList<IPEndPoint> TlsEndpoints => _tlsEndpoints;

    // Connections open now.
    public int ConnectionCount => _connections.Count;

    internal IDirectory Directory { get; }

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal DirectoryEntry RootDse { get; }

    internal DirectoryEntry Subschema { get; }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The LDAP server is already started.");
        }
        try
        {
            foreach (var endpoint in Options.Listen)
            {
                _endpoints.Add(Listen(endpoint, tls: false));
            }
            if (Options.Certificate is not null)
            {
                foreach (var endpoint in Options.ListenTls)
                {
                    _tlsEndpoints.Add(Listen(endpoint, tls: true));
                }
            }
        }
        catch
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }
            throw;
        }
        return Task.CompletedTask;
    }

    private IPEndPoint Listen(IPEndPoint endpoint, bool tls)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listeners.Add(listener);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            // [::] also takes IPv4 clients, as Kestrel does.
            listener.DualMode = true;
        }
        // No ReuseAddress: on Linux it also sets SO_REUSEPORT, so a second server on the same port would start
        // and take half the connections instead of failing. .NET already sets SO_REUSEADDR on Unix, which is
        // what lets a restart bind while old connections linger in TIME_WAIT.
        listener.Bind(endpoint);
        listener.Listen(512);
        var bound = (IPEndPoint)listener.LocalEndPoint!;
        Log.Listening(Logger, tls ? "ldaps" : "ldap", bound);
        _acceptLoops.Add(AcceptAsync(listener, tls));
        return bound;
    }

    private async Task AcceptAsync(Socket listener, bool tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Transient (a connection reset before accept, descriptors exhausted): keep listening.
                Log.AcceptFailed(Logger, e);
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider, CancellationToken.None);
                continue;
            }
            if (_connections.Count >= Options.MaxConnections)
            {
                Log.TooManyConnections(Logger, Options.MaxConnections);
                socket.Dispose();
                continue;
            }
            var connection = new LdapConnection(this, socket, tls);
            // Registered before it runs, so that StopAsync sees every connection it must close.
            var run = new TaskCompletionSource();
            _connections[connection] = run.Task;
            _ = RunAsync(connection, run);
        }
    }

    private async Task RunAsync(LdapConnection connection, TaskCompletionSource done)
    {
        try
        {
            // Yield so that the accept loop goes on while this connection does its first synchronous work.
            await Task.Yield();
            if (_stopping.IsCancellationRequested)
            {
                connection.Close();
            }
            await connection.RunAsync();
        }
        catch (Exception e)
        {
            Log.ConnectionCrashed(Logger, e);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            done.TrySetResult();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        await Task.WhenAll(_acceptLoops).WaitAsync(cancellationToken);
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "LDAP ({Scheme}) listening on {Endpoint}")]
        public static partial void Listening(ILogger logger, string scheme, IPEndPoint endpoint);

        [LoggerMessage(101, LogLevel.Warning, "LDAP accept failed")]
        public static partial void AcceptFailed(ILogger logger, Exception exception);

        [LoggerMessage(102, LogLevel.Warning, "LDAP connection refused: {Max} connections are open")]
        public static partial void TooManyConnections(ILogger logger, int max);

        [LoggerMessage(103, LogLevel.Error, "LDAP connection crashed")]
        public static partial void ConnectionCrashed(ILogger logger, Exception exception);
    }
}
