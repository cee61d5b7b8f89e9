using Npgsql;

namespace Roster.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test fixture, on a real SQLite file or a real PostgreSQL server.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public abstract string Provider { get; }
    public abstract string ConnectionString { get; }

    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Roster:Database:Provider", Provider),
        new("Roster:Database:ConnectionString", ConnectionString),
    ];

    public abstract ValueTask DisposeAsync();

    /// <summary>A context on this database, for a test to look at what a separate Roster process stored.</summary>
    public Roster.Data.RosterDb Connect()
    {
        var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Roster.Data.RosterDb>();
        if (Provider == "Postgres")
            Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions.UseNpgsql(options, ConnectionString);
        else
            Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions.UseSqlite(options, ConnectionString);
        return new Roster.Data.RosterDb(options.Options);
    }

    public static async Task<TestDatabase> CreateAsync(string provider) => provider switch
    {
        "Sqlite" => new SqliteTestDatabase(),
        "Postgres" => await PostgresTestDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly TempDirectory folder = new();

    public override string Provider => "Sqlite";
    public override string ConnectionString => $"Data Source={System.IO.Path.Combine(folder.Path, "roster.db")}";

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A database of its own on the server named by ROSTER_TEST_POSTGRES (`.ci/run` starts one and sets it).
/// Without that server the PostgreSQL half of the suite fails, on purpose: it is not optional.
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string Variable = "ROSTER_TEST_POSTGRES";
    private readonly string name;
    private readonly string server;

    private PostgresTestDatabase(string server, string name)
    {
        this.server = server;
        this.name = name;
    }

    public override string Provider => "Postgres";
    public override string ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable)
            ?? throw new InvalidOperationException($"{Variable} is not set: run the tests through .ci/run, or point it at a PostgreSQL server, e.g. \"Host=127.0.0.1;Username=postgres;Password=postgres\".");
        var name = "roster_test_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(server, name);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
