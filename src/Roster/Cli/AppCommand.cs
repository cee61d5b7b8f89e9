using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Hosting;
using Roster.Users;

namespace Roster.Cli;

/// <summary>`roster app …`, through the same service and rules as /apps.</summary>
internal static class AppCommand
{
    public static Command Create()
    {
        var app = new Command("app", "List, register and delete apps.");

        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var list = new Command("list", "List registered apps.") { json };
        list.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var rows = await services.GetRequiredService<RosterDb>().Apps.AsNoTracking().OrderBy(a => a.Name)
                .Select(a => new { a.Id, a.Name, a.LaunchUrl, a.DirectoryMode, a.Access }).ToListAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, RosterCli.Json));
            else
                foreach (var row in rows)
                    Console.WriteLine($"{row.Id}\t{row.Name}\t{row.LaunchUrl}\t{row.DirectoryMode}\t{row.Access}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "The app's name.", Required = true };
        var url = new Option<string>("--url") { Description = "Its launch URL (https://…).", Required = true };
        var description = new Option<string?>("--description") { Description = "One line about the app." };
        var ownUsers = new Option<bool>("--own-users") { Description = "The app manages its own users: a launcher tile only, no single sign-on." };
        var groups = new Option<string[]>("--group") { Description = "Restrict access to members of this group (repeatable).", AllowMultipleArgumentsPerToken = true };
        var create = new Command("create", "Register an app.") { name, url, description, ownUsers, groups };
        create.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var wanted = (parse.GetValue(groups) ?? []).Select(g => g.ToUpperInvariant()).ToList();
            var ids = await db.Groups.Where(g => wanted.Contains(g.NormalizedName)).Select(g => g.Id).ToListAsync(ct);
            if (ids.Count != wanted.Count)
                return RosterCli.Fail($"Unknown group among {string.Join(", ", parse.GetValue(groups)!)}; nothing was registered.");
            var settings = new AppSettings(parse.GetValue(name), parse.GetValue(url), parse.GetValue(description),
                parse.GetValue(ownUsers) ? DirectoryMode.OwnUsers : DirectoryMode.UseRoster, ids.Count > 0 ? AppAccess.Groups : AppAccess.Everyone, ids);
            var result = await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, settings, ct);
            if (!result.Succeeded)
                return RosterCli.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine($"Id: {result.Value!.Id}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(create);

        var target = new Argument<string>("app") { Description = "The app's id or exact name." };
        var delete = new Command("delete", "Delete an app.") { target };
        delete.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var which = parse.GetValue(target)!;
            var db = services.GetRequiredService<RosterDb>();
            var ids = Guid.TryParse(which, out var id) ? [id] : await db.Apps.Where(a => a.Name == which).Select(a => a.Id).ToListAsync(ct);
            if (ids.Count != 1)
                return RosterCli.Fail(ids.Count == 0 ? $"There is no app \"{which}\"." : $"Several apps are called \"{which}\"; give the id.");
            var result = await services.GetRequiredService<AppChanges>().DeleteAsync(Actor.Operator, ids[0], ct);
            return result.Succeeded ? RosterCli.Ok : RosterCli.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        app.Subcommands.Add(delete);
        return app;
    }
}
