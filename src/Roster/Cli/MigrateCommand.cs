using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Cli;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Bring the database schema to this version of Roster (the server also does this when it starts).");
        command.SetAction((_, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await DatabaseSetup.MigrateAsync(services, ct);
            Console.WriteLine(pending.Count == 0
                ? "The database schema is up to date."
                : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}.");
            return RosterCli.Ok;
        }, cancellationToken, requireSchema: false));
        return command;
    }
}
