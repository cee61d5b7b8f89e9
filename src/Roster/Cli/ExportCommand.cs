using System.CommandLine;
using System.Text.Json;
using Roster.Transfer;

namespace Roster.Cli;

/// <summary>`roster export`: the directory as one versioned JSON document, for a backup or a move to another Roster.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (created with mode 600) instead of standard output." };
        var secrets = new Option<bool>("--with-secrets") { Description = "Include people's authenticator keys and recovery code hashes, and the hashes of app client secrets and LDAP service account passwords." };
        var command = new Command("export", "Write people (with password hashes), groups, memberships and apps as one JSON document.") { output, secrets };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<DirectoryExport>().ExportAsync(Actor.Operator, parse.GetValue(secrets), ct);
            if (!result.Succeeded)
                return Exit.Fail(result.Errors[0].Message);
            if (parse.GetValue(output) is { } path)
            {
                // Password hashes are in it: readable by the operator alone from the moment it exists.
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                await using var file = new FileStream(path, options);
                await JsonSerializer.SerializeAsync(file, result.Value, TransferJson.Options, ct);
                Console.Error.WriteLine($"Exported {result.Value!.People.Count} people, {result.Value.Groups.Count} groups and {result.Value.Apps.Count} apps to {path}.");
            }
            else
                Console.WriteLine(JsonSerializer.Serialize(result.Value, TransferJson.Options));
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }
}
