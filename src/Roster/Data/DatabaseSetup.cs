using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace Roster.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddRosterDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var instance = configuration.GetSection(InstanceOptions.Section).Get<InstanceOptions>() ?? new InstanceOptions();
        var connectionString = ConnectionString(options, instance);

        if (options.Provider == DatabaseProvider.Postgres)
            connectionString = WithoutJit(connectionString);
        var direct = new DirectConnections(options.Provider, connectionString);
        // Through a factory, so the container disposes it (and PostgreSQL's pool) when the host stops.
        services.AddSingleton(_ => direct);
        // Pooled: setting up a context's services cost more than a token refresh's own query (bench/oidc-grants).
        // So nothing may hang per-request state on a context: features that react to saves register an
        // IInterceptor singleton (the outbox signal, LDAP's change counter), and every context gets them all.
        services.AddDbContextPool<RosterDb>((provider, db) =>
        {
            db.AddInterceptors(provider.GetServices<IInterceptor>());
            // The model as generated code (Data/CompiledModels, one per provider): building it from the entity
            // classes at every start cost 12-15 % of the time to the first answer, and 12 MB (bench/README).
            if (direct.Postgres is { } postgres)
                db.UseNpgsql(postgres).UseModel(CompiledModels.Postgres.RosterDbModel.Instance);
            else
                db.UseSqlite(connectionString).AddInterceptors(new SqliteConnectionSettings()).UseModel(CompiledModels.Sqlite.RosterDbModel.Instance);
            // The migrations are written by hand without a model snapshot; a test compares the schema they
            // build with the one the model describes, which is the check this warning would otherwise make.
            db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        });
        // The same context, leased from the pool when first used instead of when a service that might use it is
        // built: the token endpoint's usual paths (a cached client, a refresh by hand-written SQL) never touch
        // EF, and a lease with its reset cost a grant about 1.5 % of its CPU (bench/README).
        services.AddScoped(provider => new Lazy<RosterDb>(provider.GetRequiredService<RosterDb>));

        // Identity reads its schema version from its options when the model is built: version 3 adds
        // passkeys. Set with the database, so the app, the CLI and the migration tests build one model.
        services.Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(identity =>
            identity.Stores.SchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3);

        services.AddDataProtection().SetApplicationName("Roster");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceScopeFactory>((keys, scopes) => keys.XmlRepository = new DatabaseXmlRepository(scopes));
        return services;
    }

    private static string ConnectionString(DatabaseOptions options, InstanceOptions instance)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
            return options.ConnectionString;
        if (options.Provider == DatabaseProvider.Postgres)
            throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                ["Roster:Database:Provider is Postgres but Roster:Database:ConnectionString is empty; set it, e.g. Roster__Database__ConnectionString=\"Host=localhost;Database=roster;Username=roster;Password=...\"."]);
        return $"Data Source={Path.Combine(instance.DataPath, "roster.db")}";
    }

    /// <summary>
    /// Roster's queries are short index lookups; PostgreSQL's JIT compiler only adds its start-up time to
    /// them (measured at 100–160 ms on deep list pages). Off unless the connection string says otherwise.
    /// </summary>
    private static string WithoutJit(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Options))
            builder.Options = "-c jit=off";
        return builder.ConnectionString;
    }

    /// <summary>Creates the data folder and brings the schema to the newest migration.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(services.GetRequiredService<IOptions<InstanceOptions>>().Value.DataPath);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
        // Creating the history table first spares a fresh PostgreSQL database the error EF would
        // otherwise log for reading a table that does not exist yet.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        // Migrating takes EF's migration lock and checks the model against the migrations even when there is
        // nothing to apply; an up-to-date schema needs only the history query above.
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        // An existing database (its Users table made long ago) crossing the identifier-integrity migration.
        if (pending.Contains(Migrations.M0013_IdentifierIntegrity.Id) && !pending.Contains(db.Database.GetMigrations().First()))
            await IdentifierCheck.RunAsync(db, cancellationToken);
        if (pending.Count > 0)
            await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
            // Write-ahead logging lets readers go on while the outbox sender or a sign-in writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
