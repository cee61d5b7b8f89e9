using System.CommandLine;
using Roster.Apps;

namespace Roster.Cli;

/// <summary>`roster app role …`: an app's roles and who holds them (<see cref="AppRoles"/>), as the app page shows them.</summary>
internal static class AppRoleCommand
{
    public static Command Create()
    {
        var command = new Command("role", "List, add and delete an app's roles, and give them to or take them from groups and people.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Holder("give", "Give a role to a group or a person."));
        command.Subcommands.Add(Holder("take", "Take a role from a group or a person."));
        return command;
    }

    private static Argument<string> AppArgument() => new("app") { Description = "The app's id or exact name." };

    private static Argument<string> RoleArgument() => new("role") { Description = "The role's name." };

    private static Command List()
    {
        var app = AppArgument();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tab-separated lines." };
        var command = new Command("list", "List the app's roles: name, holders (groups as group:<name>), description.") { app, json };
        command.SetAction((parse, cancellationToken) => WithRolesAsync(parse.GetValue(app)!, cancellationToken, (_, _, roles) =>
        {
            if (parse.GetValue(json))
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(roles, RosterCli.Json));
            else
                foreach (var role in roles)
                    Console.WriteLine($"{role.Name}\t{string.Join(",", role.Holders.Select(Label))}\t{role.Description}");
            return Task.FromResult(RosterCli.Ok);
        }));
        return command;
    }

    private static Command Add()
    {
        var (app, role) = (AppArgument(), RoleArgument());
        var description = new Option<string>("--description") { Description = "What the role lets its holders do in the app." };
        var command = new Command("add", "Add a role to the app.") { app, role, description };
        command.SetAction((parse, cancellationToken) => WithRolesAsync(parse.GetValue(app)!, cancellationToken, async (services, appId, _) =>
            Done(await services.GetRequiredService<AppRoles>().DefineAsync(Actor.Operator, appId, parse.GetValue(role), parse.GetValue(description), cancellationToken))));
        return command;
    }

    private static Command Delete()
    {
        var (app, role) = (AppArgument(), RoleArgument());
        var yes = new Option<bool>("--yes") { Description = "Confirm: the role goes, and everyone holding it loses it." };
        var command = new Command("delete", "Delete a role and take it from everyone holding it.") { app, role, yes };
        command.SetAction((parse, cancellationToken) => !parse.GetValue(yes)
            ? RosterCli.UsageError("app role delete needs --yes.")
            : WithRolesAsync(parse.GetValue(app)!, cancellationToken, async (services, appId, roles) =>
                Find(roles, parse.GetValue(role)!) is not { } found ? Exit.Fail($"The app has no role \"{parse.GetValue(role)}\".")
                    : Done(await services.GetRequiredService<AppRoles>().DeleteAsync(Actor.Operator, appId, found.Id, confirmed: true, cancellationToken))));
        return command;
    }

    /// <summary>`give` and `take`: the same arguments, one group or one person.</summary>
    private static Command Holder(string name, string description)
    {
        var (app, role) = (AppArgument(), RoleArgument());
        var group = new Option<string>("--group") { Description = "A group's name or id." };
        var person = new Option<string>("--person") { Description = "A person's username, email or id." };
        var command = new Command(name, description) { app, role, group, person };
        command.SetAction((parse, cancellationToken) => WithRolesAsync(parse.GetValue(app)!, cancellationToken, async (services, appId, roles) =>
        {
            if (Find(roles, parse.GetValue(role)!) is not { } found)
                return Exit.Fail($"The app has no role \"{parse.GetValue(role)}\".");
            var service = services.GetRequiredService<AppRoles>();
            var (groupName, personName) = (parse.GetValue(group), parse.GetValue(person));
            if (name == "give")
                return Done(await service.GiveAsync(Actor.Operator, appId, found.Id, groupName, personName, cancellationToken));
            var holder = found.Holders.FirstOrDefault(h => groupName is not null
                ? h.Kind == "group" && string.Equals(h.Name, groupName, StringComparison.OrdinalIgnoreCase)
                : h.Kind == "person" && string.Equals(h.Name, personName, StringComparison.OrdinalIgnoreCase));
            return holder is null || (groupName is null) == (personName is null)
                ? Exit.Fail($"Name one group or one person that holds {found.Name}: {string.Join(", ", found.Holders.Select(Label))}.")
                : Done(await service.TakeAsync(Actor.Operator, appId, found.Id, holder.Id, cancellationToken));
        }));
        return command;
    }

    private static Task<int> WithRolesAsync(string app, CancellationToken cancellationToken, Func<IServiceProvider, Guid, IReadOnlyList<RoleView>, Task<int>> act) =>
        RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (appId, problem) = await AppCommand.FindAsync(services, app, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var roles = await services.GetRequiredService<AppRoles>().ListAsync(Actor.Operator, appId, ct);
            return roles.Succeeded ? await act(services, appId, roles.Value!) : Exit.Fail(string.Join(" ", roles.Errors.Select(e => e.Message)));
        }, cancellationToken);

    private static RoleView? Find(IReadOnlyList<RoleView> roles, string name) =>
        roles.FirstOrDefault(r => string.Equals(r.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string Label(RoleHolderView holder) => holder.Kind == "group" ? "group:" + holder.Name : holder.Name;

    private static int Done(Result<AppRole> result) =>
        result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
}
