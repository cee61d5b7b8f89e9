using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Roster.Data;

namespace Roster.Tests.Data;

/// <summary>
/// Roster runs on a compiled model (src/Roster/Data/CompiledModels): generated code that nothing keeps in step
/// with the entity classes but this test. It builds the model from the code, as EF would without the compiled
/// one, and holds the compiled one to it.
/// </summary>
public sealed class CompiledModelTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task TheCompiledModelIsTheModelTheEntityClassesDescribe(string provider)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Roster:DataDirectory"] = Path.GetTempPath(),
            ["Roster:Database:Provider"] = provider,
            // Building a model connects to nothing.
            ["Roster:Database:ConnectionString"] = provider == "Postgres" ? "Host=127.0.0.1;Database=unused" : "Data Source=:memory:",
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddRosterDatabase(configuration)
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var compiled = scope.ServiceProvider.GetRequiredService<RosterDb>().Model;

        // The same context and settings, minus the compiled model: EF builds it from RosterDb and the entity classes.
        var options = new DbContextOptionsBuilder<RosterDb>()
            .UseApplicationServiceProvider(services)
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        if (provider == "Postgres")
            options.UseNpgsql("Host=127.0.0.1;Database=unused");
        else
            options.UseSqlite("Data Source=:memory:");
        await using var fromCode = new RosterDb(options.Options);

        Assert.True(
            fromCode.Model.ToDebugString(MetadataDebugStringOptions.LongDefault) == compiled.ToDebugString(MetadataDebugStringOptions.LongDefault),
            "The compiled model differs from the entity classes: run src/Roster/Data/CompiledModels/generate and commit what it changes.");
        Assert.Contains(compiled.GetEntityTypes(), e => e.ClrType == typeof(IdentityUserPasskey<Guid>));
    }
}
