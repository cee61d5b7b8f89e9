using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Groups;
using Roster.Accounts;

namespace Roster.Cli;

/// <summary>`roster group …`, through the same service and rules as /groups.</summary>
internal static class GroupCommand
{
    public static Command Create()
    {
        var group = new Command("group", "List, create and delete groups, and change their members.");

        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var list = new Command("list", "List groups with their member counts.") { json };
        list.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var rows = await db.Groups.AsNoTracking().OrderBy(g => g.Name)
                .Select(g => new GroupDto(g.Id, g.Name, g.Description, db.GroupMembers.Count(m => m.GroupId == g.Id))).ToListAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, RosterCli.Json));
            else
                foreach (var row in rows)
                    Console.WriteLine($"{row.Id}\t{row.Name}\t{row.Members}\t{row.Description}");
            return RosterCli.Ok;
        }, cancellationToken));
        group.Subcommands.Add(list);

        var name = new Argument<string>("name") { Description = "Group name: letters, digits, dots and hyphens." };
        var description = new Option<string?>("--description") { Description = "What the group is for." };
        var create = new Command("create", "Create a group.") { name, description };
        create.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
            Report(await services.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, parse.GetValue(name), parse.GetValue(description), ct)), cancellationToken));
        group.Subcommands.Add(create);

        var target = new Argument<string>("group") { Description = "The group's name or id." };
        var delete = new Command("delete", "Delete a group (refused while an app's access rule names it).") { target };
        delete.SetAction((parse, cancellationToken) => WithGroupAsync(parse.GetValue(target)!, async (services, id, ct) =>
            Report(await services.GetRequiredService<GroupChanges>().DeleteAsync(Actor.Operator, id, cancellationToken: ct)), cancellationToken));
        group.Subcommands.Add(delete);

        var addTarget = new Argument<string>("group") { Description = "The group's name or id." };
        var people = new Argument<string[]>("users") { Description = "Usernames, emails or ids.", Arity = ArgumentArity.OneOrMore };
        var add = new Command("add-member", "Add people to a group.") { addTarget, people };
        add.SetAction((parse, cancellationToken) => WithGroupAsync(parse.GetValue(addTarget)!, async (services, id, ct) =>
            Report(await services.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, id, parse.GetValue(people)!, ct)), cancellationToken));
        group.Subcommands.Add(add);

        var removeTarget = new Argument<string>("group") { Description = "The group's name or id." };
        var removed = new Argument<string[]>("users") { Description = "Usernames, emails or ids.", Arity = ArgumentArity.OneOrMore };
        var remove = new Command("remove-member", "Remove people from a group.") { removeTarget, removed };
        remove.SetAction((parse, cancellationToken) => WithGroupAsync(parse.GetValue(removeTarget)!, async (services, id, ct) =>
        {
            var names = parse.GetValue(removed)!;
            var found = await services.GetRequiredService<AccountLookup>().FindByNamesAsync(names, ct);
            var unknown = names.Where(n => !found.ContainsKey(n)).ToList();
            if (unknown.Count > 0)
                return Exit.Fail($"No account matches {string.Join(", ", unknown)}. Nobody was removed.");
            return Report(await services.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, id, [.. found.Values.Select(u => u.Id)], ct));
        }, cancellationToken));
        group.Subcommands.Add(remove);
        return group;
    }

    private static Task<int> WithGroupAsync(string nameOrId, Func<IServiceProvider, Guid, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var normalized = nameOrId.ToUpperInvariant();
            var id = Guid.TryParse(nameOrId, out var parsed) ? parsed
                : await db.Groups.Where(g => g.NormalizedName == normalized).Select(g => g.Id).SingleOrDefaultAsync(ct);
            return id == Guid.Empty || !await db.Groups.AnyAsync(g => g.Id == id, ct)
                ? Exit.Fail($"There is no group called \"{nameOrId}\".")
                : await body(services, id, ct);
        }, cancellationToken);

    private static int Report(Result<Group> result)
    {
        if (!result.Succeeded)
            return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        Console.WriteLine($"Id: {result.Value!.Id}");
        return RosterCli.Ok;
    }
}
