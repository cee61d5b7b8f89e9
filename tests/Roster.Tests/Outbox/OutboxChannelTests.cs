using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Roster.Data;
using Roster.Outbox;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Outbox;

/// <summary>
/// The outbox as a generic queue: the real sender on a real SQLite file, with no feature of Roster registered,
/// delivers a channel only through the handler a feature registered for it.
/// </summary>
public sealed class OutboxChannelTests
{
    /// <summary>A channel no feature of Roster has today, as provisioning would add one.</summary>
    private const OutboxChannel NewChannel = (OutboxChannel)99;

    private sealed class Recorder : IOutboxChannel
    {
        public List<string> Delivered { get; } = [];
        public OutboxChannel Channel => NewChannel;

        public Task<Error?> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            Delivered.Add(message.TextBody);
            return Task.FromResult<Error?>(null);
        }
    }

    [Fact]
    public async Task ANewChannelIsDeliveredByTheHandlerItsFeatureRegisteredWithoutTheSenderNamingIt()
    {
        var recorder = new Recorder();
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var services = await StartAsync(database, s => s.AddSingleton(recorder).AddOutboxChannel<Recorder>());

        await QueueAsync(services, NewChannel, "hello");
        Assert.True(await SenderOf(services).DeliverNextAsync(CancellationToken.None));

        Assert.Equal(["hello"], recorder.Delivered);
        var stored = await StoredAsync(services);
        Assert.NotNull(stored.SentAt);
        Assert.Null(stored.LastError);
    }

    [Fact]
    public async Task AMessageOnAChannelWithNoHandlerWaitsForOneInsteadOfBeingDroppedOrSentAsEmail()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var services = await StartAsync(database, _ => { });

        await QueueAsync(services, NewChannel, "hello");
        Assert.True(await SenderOf(services).DeliverNextAsync(CancellationToken.None));

        var stored = await StoredAsync(services);
        Assert.Null(stored.SentAt);
        Assert.Null(stored.GaveUpAt);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal("hello", stored.TextBody);
        Assert.Equal("0 handlers are registered for the outbox channel 99; there must be one.", stored.LastError);
        // Retried later with backoff, not at once: the next look finds nothing due.
        Assert.False(await SenderOf(services).DeliverNextAsync(CancellationToken.None));
    }

    /// <summary>The database and the outbox alone, migrated; the sender is not started, the test drives it.</summary>
    private static async Task<ServiceProvider> StartAsync(TestDatabase database, Action<IServiceCollection> channels)
    {
        var data = Directory.CreateTempSubdirectory("roster-test-").FullName;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(database.Settings().Append(new("Roster:DataDirectory", data)))
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .Configure<InstanceOptions>(configuration.GetSection(InstanceOptions.Section))
            .AddSingleton<TimeProvider>(new ManualClock())
            .AddLogging()
            .AddRosterDatabase(configuration)
            .AddOutbox(configuration);
        channels(services);
        var provider = services.BuildServiceProvider();
        await DatabaseSetup.MigrateAsync(provider);
        return provider;
    }

    private static OutboxSender SenderOf(IServiceProvider services) => services.GetServices<IHostedService>().OfType<OutboxSender>().Single();

    private static async Task QueueAsync(IServiceProvider services, OutboxChannel channel, string body)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        scope.ServiceProvider.GetRequiredService<OutboxQueue>().Add(db, channel, "someone", "A test message", body);
        await db.SaveChangesAsync();
    }

    private static async Task<OutboxMessage> StoredAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDb>().Outbox.AsNoTracking().SingleAsync();
    }
}
