using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Roster.Ldap.Tests.Support;

// A real LdapServer on 127.0.0.1 with a free port, serving the sample directory, with its log kept so tests can
// check that nothing failed inside the server.
public sealed class TestServer : IAsyncDisposable
{
    public const string Base = "dc=example,dc=org";
    public const string People = "ou=people,dc=example,dc=org";
    public const string Groups = "ou=groups,dc=example,dc=org";

    private TestServer(LdapServer server, InMemoryDirectory directory, TestLogger logger)
    {
        Server = server;
        Directory = directory;
        Logger = logger;
    }

    public LdapServer Server { get; }
    public InMemoryDirectory Directory { get; }
    public TestLogger Logger { get; }
    public IPEndPoint Endpoint => Server.Endpoints[0];

    public static async Task<TestServer> StartAsync(Action<LdapServerOptions>? configure = null)
    {
        var options = new LdapServerOptions { Listen = [new IPEndPoint(IPAddress.Loopback, 0)] };
        configure?.Invoke(options);
        var directory = InMemoryDirectory.Sample(new DirectoryTree(options.BaseDn));
        var logger = new TestLogger();
        var server = new LdapServer(options, directory, logger);
        await server.StartAsync();
        return new TestServer(server, directory, logger);
    }

    public Task<TestClient> ConnectAsync() => TestClient.ConnectAsync(Endpoint);

    public async Task<TestClient> ConnectAsAsync(string name, string password)
    {
        var client = await ConnectAsync();
        Assert.Equal(ResultCode.Success, (await client.BindAsync(name, password)).ResultCode);
        return client;
    }

    public Task<TestClient> ConnectAsAliceAsync() => ConnectAsAsync("uid=alice," + People, "alice-password");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Assert.Empty(Logger.Errors);
    }
}

public sealed class TestLogger : ILogger<LdapServer>
{
    public ConcurrentQueue<string> Errors { get; } = new();
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)} {exception}";
        Lines.Enqueue(line);
        if (logLevel >= LogLevel.Error)
        {
            Errors.Enqueue(line);
        }
    }
}
