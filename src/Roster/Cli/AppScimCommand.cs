using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.Provisioning;

namespace Roster.Cli;

/// <summary>`roster app scim …`: an app's SCIM provisioning, through the same service and rules as /app/&lt;id&gt;.</summary>
internal static class AppScimCommand
{
    public static Command Create()
    {
        var scim = new Command("scim", "Connect an app to its SCIM 2.0 service provider (options not given keep their value), show its status, or sync it.");
        var target = new Argument<string>("app") { Description = "The app's id or exact name." };
        var url = new Option<string?>("--url") { Description = "The SCIM base URL (Users and Groups are under it)." };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "Read the bearer token from this file (never from the command line, where others can see it)." };
        var tokenStdin = new Option<bool>("--token-stdin") { Description = "Read the bearer token from standard input." };
        var removeToken = new Option<bool>("--remove-token") { Description = "Forget the stored token." };
        var deprovision = new Option<Deprovisioning?>("--deprovision") { Description = "deactivate (active: false) or delete people deleted from Roster." };
        var on = new Option<bool>("--on") { Description = "Turn provisioning on (needs a URL and a token); giving a URL or a token does too, unless --off." };
        var off = new Option<bool>("--off") { Description = "Turn provisioning off; nothing more is pushed." };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        scim.Options.Add(url);
        scim.Options.Add(tokenFile);
        scim.Options.Add(tokenStdin);
        scim.Options.Add(removeToken);
        scim.Options.Add(deprovision);
        scim.Options.Add(on);
        scim.Options.Add(off);
        scim.Options.Add(json);
        scim.Arguments.Add(target);
        scim.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(target)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            if (parse.GetValue(on) && parse.GetValue(off))
                return Exit.Fail("Give --on or --off, not both.");
            if (parse.GetValue(tokenFile) is not null && parse.GetValue(tokenStdin))
                return Exit.Fail("Give --token-file or --token-stdin, not both.");
            string? token = null;
            if (parse.GetValue(tokenFile) is { } file)
            {
                if (!file.Exists)
                    return Exit.Fail($"There is no file {file.FullName}.");
                token = (await File.ReadAllTextAsync(file.FullName, ct)).Trim();
            }
            else if (parse.GetValue(tokenStdin))
                token = (await Console.In.ReadToEndAsync(ct)).Trim();
            if (token is "")
                return Exit.Fail("The token given is empty; nothing was changed.");

            var settings = services.GetRequiredService<ScimSettings>();
            var status = (await settings.StatusAsync(Actor.Operator, id, ct)).Value!;
            var changing = parse.GetResult(url) is not null || token is not null || parse.GetValue(removeToken) || parse.GetValue(deprovision) is not null ||
                parse.GetValue(on) || parse.GetValue(off);
            if (changing)
            {
                // Connecting an app (a URL or a token) turns provisioning on unless --off says otherwise.
                var enabled = !parse.GetValue(off) && (parse.GetValue(on) || status.Enabled || parse.GetResult(url) is not null || token is not null);
                var result = await settings.UpdateAsync(Actor.Operator, id, new ScimSettingsRequest(enabled, parse.GetResult(url) is null ? status.BaseUrl : parse.GetValue(url),
                    token, parse.GetValue(removeToken), parse.GetValue(deprovision) ?? status.Deprovision), ct);
                if (!result.Succeeded)
                    return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
                status = result.Value!;
            }
            Print(status, parse.GetValue(json));
            return RosterCli.Ok;
        }, cancellationToken));

        var syncTarget = new Argument<string>("app") { Description = "The app's id or exact name." };
        var sync = new Command("sync", "Queue a full reconciliation of the app's SCIM provider now (the running server carries it out).") { syncTarget };
        sync.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(syncTarget)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<ScimSettings>().SyncNowAsync(Actor.Operator, id, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine($"A full SCIM reconciliation is queued; {result.Value!.Pending} job(s) waiting.");
            return RosterCli.Ok;
        }, cancellationToken));
        scim.Subcommands.Add(sync);
        return scim;
    }

    private static void Print(ScimStatus status, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(status, RosterCli.Json));
            return;
        }
        Console.WriteLine($"Provisioning: {(status.Enabled ? "on" : "off")}");
        Console.WriteLine($"Base URL: {(status.BaseUrl.Length == 0 ? "none" : status.BaseUrl)}");
        Console.WriteLine($"Token: {(status.TokenSet ? "set" : "not set")}");
        Console.WriteLine($"On deletion: {status.Deprovision.ToString().ToLowerInvariant()}");
        Console.WriteLine($"Last success: {status.LastSuccessAt?.ToString("u") ?? "never"}");
        Console.WriteLine($"Last full sync: {status.LastSyncAt?.ToString("u") ?? "never"}");
        Console.WriteLine($"Last error: {(status.LastErrorAt is { } at ? $"{at:u} {status.LastError}" : "none")}");
        Console.WriteLine($"Waiting: {status.Pending}");
    }

    private static async Task<(Guid Id, string? Problem)> FindAsync(IServiceProvider services, string which, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<RosterDb>();
        var ids = Guid.TryParse(which, out var id)
            ? await db.Apps.Where(a => a.Id == id).Select(a => a.Id).ToListAsync(cancellationToken)
            : await db.Apps.Where(a => a.Name == which).Select(a => a.Id).ToListAsync(cancellationToken);
        return ids.Count switch
        {
            1 => (ids[0], null),
            0 => (Guid.Empty, $"There is no app \"{which}\"."),
            _ => (Guid.Empty, $"Several apps are called \"{which}\"; give the id."),
        };
    }
}
