using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.OidcProvider;

namespace Roster.Cli;

/// <summary>`roster api …`: APIs that accept Roster's access tokens (RFC 8707 resources), through the same service and rules as everywhere.</summary>
internal static class ApiCommand
{
    public static Command Create()
    {
        var api = new Command("api", "Register APIs, say which apps may request which of their scopes, and give them an introspection secret.");

        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var list = new Command("list", "List registered APIs.") { json };
        list.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var rows = await services.GetRequiredService<RosterDb>().ApiResources.AsNoTracking().OrderBy(a => a.Name)
                .Select(a => new { a.Id, a.Name, a.Identifier, a.Scopes, a.AccessTokenLifetimeSeconds, a.ClientId }).ToListAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, RosterCli.Json));
            else
                foreach (var row in rows)
                    Console.WriteLine($"{row.Id}\t{row.Name}\t{row.Identifier}\t{row.Scopes}\t{row.AccessTokenLifetimeSeconds}\t{row.ClientId}");
            return RosterCli.Ok;
        }, cancellationToken));
        api.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "The API's name.", Required = true };
        var identifier = new Option<string>("--identifier") { Description = "Its identifier URI (https://…), the resource apps name and the aud of its tokens.", Required = true };
        var scopes = new Option<string?>("--scopes") { Description = "The API's scopes, separated by spaces." };
        var lifetime = new Option<int>("--lifetime") { Description = "Access-token lifetime in seconds (60 to 86400).", DefaultValueFactory = _ => ApiResources.DefaultLifetimeSeconds };
        var create = new Command("create", "Register an API; prints its introspection client id and secret (once).") { name, identifier, scopes, lifetime };
        create.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<ApiResources>().RegisterWithSecretAsync(Actor.Operator,
                new ApiSettings(parse.GetValue(name), parse.GetValue(identifier), ApiResources.SplitScopes(parse.GetValue(scopes)), parse.GetValue(lifetime)), ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            var (registered, secret) = result.Value!;
            Console.WriteLine($"Id: {registered.Id}");
            Console.WriteLine($"Identifier: {registered.Identifier}");
            Console.WriteLine($"Introspection client ID: {registered.ClientId}");
            Console.WriteLine($"Introspection secret: {secret}");
            return RosterCli.Ok;
        }, cancellationToken));
        api.Subcommands.Add(create);

        var target = new Argument<string>("api") { Description = "The API's id or identifier URI." };
        var newName = new Option<string?>("--name") { Description = "A new name." };
        var newScopes = new Option<string?>("--scopes") { Description = "The API's scopes, separated by spaces; a scope left out is taken from every app." };
        var newLifetime = new Option<int?>("--lifetime") { Description = "Access-token lifetime in seconds (60 to 86400)." };
        var update = new Command("update", "Change an API's name, scopes or token lifetime; each option given replaces that setting.") { target, newName, newScopes, newLifetime };
        update.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            if (await FindAsync(services, parse.GetValue(target)!, ct) is not { } current)
                return Exit.Fail($"There is no API \"{parse.GetValue(target)}\".");
            var settings = new ApiSettings(parse.GetValue(newName) ?? current.Name, null,
                parse.GetResult(newScopes) is null ? ApiResources.ScopeList(current.Scopes) : ApiResources.SplitScopes(parse.GetValue(newScopes)),
                parse.GetValue(newLifetime) ?? current.AccessTokenLifetimeSeconds);
            var result = await services.GetRequiredService<ApiResources>().UpdateAsync(Actor.Operator, current.Id, settings, ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        api.Subcommands.Add(update);

        var allowTarget = new Argument<string>("api") { Description = "The API's id or identifier URI." };
        var app = new Option<string>("--app") { Description = "The app's id or exact name.", Required = true };
        var allowed = new Option<string?>("--scopes") { Description = "Which of the API's scopes the app may request, separated by spaces (\"\" for none)." };
        var allow = new Command("allow", "Say which of an API's scopes an app may request; none takes the API from the app.") { allowTarget, app, allowed };
        allow.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            if (await FindAsync(services, parse.GetValue(allowTarget)!, ct) is not { } current)
                return Exit.Fail($"There is no API \"{parse.GetValue(allowTarget)}\".");
            var which = parse.GetValue(app)!;
            var db = services.GetRequiredService<RosterDb>();
            var appIds = Guid.TryParse(which, out var appId)
                ? await db.Apps.Where(a => a.Id == appId).Select(a => a.Id).ToListAsync(ct)
                : await db.Apps.Where(a => a.Name == which).Select(a => a.Id).ToListAsync(ct);
            if (appIds.Count != 1)
                return Exit.Fail(appIds.Count == 0 ? $"There is no app \"{which}\"." : $"Several apps are called \"{which}\"; give the id.");
            var result = await services.GetRequiredService<ApiResources>().AllowAsync(Actor.Operator, current.Id, appIds[0], ApiResources.SplitScopes(parse.GetValue(allowed)), ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        api.Subcommands.Add(allow);

        var secretTarget = new Argument<string>("api") { Description = "The API's id or identifier URI." };
        var secret = new Command("secret", "Create a new introspection secret for an API and print it once; the old one stops working.") { secretTarget };
        secret.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            if (await FindAsync(services, parse.GetValue(secretTarget)!, ct) is not { } current)
                return Exit.Fail($"There is no API \"{parse.GetValue(secretTarget)}\".");
            var result = await services.GetRequiredService<ApiResources>().NewSecretAsync(Actor.Operator, current.Id, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine($"Introspection client ID: {current.ClientId}");
            Console.WriteLine($"Introspection secret: {result.Value}");
            return RosterCli.Ok;
        }, cancellationToken));
        api.Subcommands.Add(secret);

        var deleteTarget = new Argument<string>("api") { Description = "The API's id or identifier URI." };
        var delete = new Command("delete", "Delete an API: requests naming it are refused from now on.") { deleteTarget };
        delete.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            if (await FindAsync(services, parse.GetValue(deleteTarget)!, ct) is not { } current)
                return Exit.Fail($"There is no API \"{parse.GetValue(deleteTarget)}\".");
            var result = await services.GetRequiredService<ApiResources>().DeleteAsync(Actor.Operator, current.Id, ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        api.Subcommands.Add(delete);

        return api;
    }

    private static async Task<ApiResource?> FindAsync(IServiceProvider services, string which, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<RosterDb>().ApiResources.AsNoTracking();
        return Guid.TryParse(which, out var id)
            ? await db.SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            : await db.SingleOrDefaultAsync(a => a.Identifier == which, cancellationToken);
    }
}
