using System.CommandLine;
using Roster.Transfer;

namespace Roster.Cli;

/// <summary>`roster import FILE`: people, groups and apps from Roster's export, CSV or LDIF; all or nothing.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The file to import: Roster's JSON export, CSV or LDIF." };
        var format = new Option<ImportFormat?>("--format") { Description = "json, csv or ldif; by default taken from the file's extension." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be created, changed and skipped, and change nothing." };
        var command = new Command("import", "Import people (keeping their passwords), groups and apps. Existing people are skipped, never changed.") { file, format, dryRun };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var path = parse.GetValue(file)!;
            if ((parse.GetValue(format) ?? ImportFormats.FromFileName(path)) is not { } chosen)
                return Exit.Fail($"Cannot tell the format of {path} from its name: add --format json, csv or ldif.");
            if (!File.Exists(path))
                return Exit.Fail($"There is no file {path}.");
            if (new FileInfo(path).Length > PeopleImport.MaxFileBytes)
                return Exit.Fail($"{path} is larger than {PeopleImport.MaxFileBytes / 1024 / 1024} MiB; split it.");
            var text = await File.ReadAllTextAsync(path, ct);
            var import = services.GetRequiredService<PeopleImport>();
            var result = parse.GetValue(dryRun)
                ? await import.PreviewAsync(Actor.Operator, chosen, text, ct)
                : await import.ImportAsync(Actor.Operator, chosen, text, Path.GetFileName(path), cancellationToken: ct);
            if (!result.Succeeded)
                return Exit.Fail(result.Errors[0].Message);
            var plan = result.Value!;
            if (!plan.Succeeded)
            {
                foreach (var problem in plan.Problems)
                    Console.Error.WriteLine($"{path}:{problem.Line}: {problem.Message}");
                return Exit.Fail($"{plan.Problems.Count} problem{(plan.Problems.Count == 1 ? "" : "s")} in {path}; nothing was imported.");
            }
            if (parse.GetValue(dryRun))
                foreach (var line in plan.Lines)
                    Console.WriteLine($"{line.Line}\t{line.Action.ToString().ToLowerInvariant()}\t{line.Kind}\t{line.Name}\t{line.Note}");
            Console.WriteLine(parse.GetValue(dryRun) ? $"Dry run: {plan.Summary}. Nothing was changed." :
                $"Imported: {plan.Count(ImportAction.Create)} created, {plan.Count(ImportAction.Change)} changed, {plan.Count(ImportAction.Skip)} skipped.");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }
}
