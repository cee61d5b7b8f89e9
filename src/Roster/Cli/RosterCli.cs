using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Hosting;

namespace Roster.Cli;

/// <summary>
/// The command line. With no command the executable serves Roster; each command acts on the configured
/// database directly, through the same services the web app uses. Exit codes: 0 ok, 1 failure (one
/// line on stderr), 2 usage.
/// </summary>
public static class RosterCli
{
    public const int Ok = 0;
    public const int Usage = 2;

    /// <summary>How list commands print JSON: camelCase names, enums as their names.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Roster: users, groups and single sign-on for a self-hosted platform. " +
            "Run without a command to serve the dashboard; ASP.NET options such as --urls pass through.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Subcommands.Add(AdminCredentialsCommand.Create());
        root.Subcommands.Add(OwnerLoginCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        root.Subcommands.Add(GroupCommand.Create());
        root.Subcommands.Add(AppCommand.Create());
        root.Subcommands.Add(ApiCommand.Create());
        root.Subcommands.Add(MailCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.SetAction((parse, _) => ServeAsync([.. parse.UnmatchedTokens]));

        var parsed = root.Parse(args);
        // Only serving passes unknown tokens on (to ASP.NET's configuration); for a command they are mistakes.
        var errors = parsed.Errors.Select(e => e.Message).ToList();
        if (parsed.CommandResult.Command != root)
            errors.AddRange(parsed.UnmatchedTokens.Select(token => $"Unrecognized command or argument '{token}'."));
        if (errors.Count > 0)
        {
            foreach (var error in errors)
                Console.Error.WriteLine($"roster: {error}");
            Console.Error.WriteLine("Run 'roster --help' for usage.");
            return Usage;
        }
        return await parsed.InvokeAsync();
    }

    private static Task<int> ServeAsync(string[] hostArgs)
    {
        if (hostArgs.FirstOrDefault() is { } first && !first.StartsWith('-'))
            return UsageError($"'{first}' is not a command. Run 'roster --help' for the list.");
        return RosterHost.RunAsync(hostArgs);
    }

    /// <summary>Runs a command body with Roster's services; any failure becomes one line on stderr and exit code 1.</summary>
    public static async Task<int> WithServicesAsync(Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken, bool requireSchema = true)
    {
        try
        {
            var builder = RosterHost.CreateBuilder([]);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            await using var app = builder.Build();
            await using var scope = app.Services.CreateAsyncScope();
            if (requireSchema && (await scope.ServiceProvider.GetRequiredService<RosterDb>().Database.GetPendingMigrationsAsync(cancellationToken)).Any())
                return Exit.Fail("The database has no Roster schema yet, or an older one. Start Roster once, or run 'roster migrate'.");
            return await body(scope.ServiceProvider, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Exit.Fail(e.GetBaseException().Message);
        }
    }

    public static Task<int> UsageError(string reason)
    {
        Console.Error.WriteLine($"roster: {reason}");
        return Task.FromResult(Usage);
    }
}
