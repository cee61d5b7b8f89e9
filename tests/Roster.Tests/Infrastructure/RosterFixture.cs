namespace Roster.Tests.Infrastructure;

/// <summary>One Roster server per test class, on the database named by the derived fixture.</summary>
public abstract class RosterFixture(string provider) : IAsyncLifetime
{
    private TestDatabase? database;
    private RosterServer? server;

    public RosterServer Server => server ?? throw new InvalidOperationException("The fixture has not started.");

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(provider);
        server = await RosterServer.StartAsync(database, Settings);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }
}

public sealed class SqliteRoster() : RosterFixture("Sqlite");

public sealed class PostgresRoster() : RosterFixture("Postgres");
