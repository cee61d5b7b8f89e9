using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;

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
                .Select(a => new { a.Id, a.Name, a.LaunchUrl, a.DirectoryMode, a.Access, a.ClientId, a.RequireConsent, a.AllowDeviceGrant, a.OfflineAccess, a.AlwaysIssueRefreshTokens })
                .ToListAsync(ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, RosterCli.Json));
            else
                foreach (var row in rows)
                    Console.WriteLine($"{row.Id}\t{row.Name}\t{row.LaunchUrl}\t{row.DirectoryMode}\t{row.Access}\t{row.ClientId}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "The app's name.", Required = true };
        var url = new Option<string>("--url") { Description = "Its launch URL (https://…).", Required = true };
        var description = new Option<string?>("--description") { Description = "One line about the app." };
        var ownUsers = new Option<bool>("--own-users") { Description = "The app manages its own users: a launcher tile only, no single sign-on." };
        var groups = new Option<string[]>("--group") { Description = "Restrict access to members of this group (repeatable).", AllowMultipleArgumentsPerToken = true };
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "An OpenID Connect redirect URI (repeatable).", AllowMultipleArgumentsPerToken = true };
        var postLogoutUris = new Option<string[]>("--post-logout-redirect-uri") { Description = "Where the app may send people after signing them out (repeatable).", AllowMultipleArgumentsPerToken = true };
        var backChannel = new Option<string?>("--backchannel-logout-uri") { Description = "The app's OpenID Connect back-channel logout endpoint." };
        var algorithm = new Option<string?>("--signing-algorithm") { Description = "RS256 (default) or ES256 for the app's tokens." };
        var apiScopes = new Option<string?>("--api-scopes")
            { Description = "The API scopes the app may give itself with client credentials, separated by spaces (\"\" for none)." };
        var requirePkce = new Option<bool?>("--require-pkce")
            { Description = "true or false: refuse sign-in requests without a PKCE code challenge (on for new apps; public clients always need it)." };
        var confidential = new Option<bool>("--confidential") { Description = "Give the app a client secret (printed once); without it the app is a public client using PKCE." };
        var create = new Command("create", "Register an app; prints its client id.") { name, url, description, ownUsers, groups, redirectUris, postLogoutUris, backChannel, algorithm, apiScopes, requirePkce, confidential };
        create.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var wanted = (parse.GetValue(groups) ?? []).Select(g => g.ToUpperInvariant()).ToList();
            var ids = await db.Groups.Where(g => wanted.Contains(g.NormalizedName)).Select(g => g.Id).ToListAsync(ct);
            if (ids.Count != wanted.Count)
                return Exit.Fail($"Unknown group among {string.Join(", ", parse.GetValue(groups)!)}; nothing was registered.");
            var settings = new AppSettings(parse.GetValue(name), parse.GetValue(url), parse.GetValue(description),
                parse.GetValue(ownUsers) ? DirectoryMode.OwnUsers : DirectoryMode.UseRoster, ids.Count > 0 ? AppAccess.Groups : AppAccess.Everyone, ids);
            // One transaction: an app whose redirect URIs are refused is not left half registered.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, settings, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            var app = result.Value!;
            var signOn = services.GetRequiredService<AppSignOn>();
            var uris = await signOn.UpdateAsync(Actor.Operator, app.Id, new SignOnSettings(string.Join('\n', parse.GetValue(redirectUris) ?? []),
                string.Join('\n', parse.GetValue(postLogoutUris) ?? []), parse.GetValue(backChannel), parse.GetValue(algorithm) ?? Roster.Oidc.SigningAlgorithms.RS256,
                AppSignOn.SplitApiScopes(parse.GetValue(apiScopes)), parse.GetValue(requirePkce)), ct);
            if (!uris.Succeeded)
                return Exit.Fail(string.Join(" ", uris.Errors.Select(e => e.Message)));
            var secret = parse.GetValue(confidential) ? await signOn.NewSecretAsync(Actor.Operator, app.Id, ct) : null;
            await transaction.CommitAsync(ct);
            Console.WriteLine($"Id: {app.Id}");
            Console.WriteLine($"Client ID: {app.ClientId}");
            if (secret is not null)
                Console.WriteLine($"Client secret: {secret.Value}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(create);

        var target = new Argument<string>("app") { Description = "The app's id or exact name." };
        var delete = new Command("delete", "Delete an app.") { target };
        delete.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(target)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<AppChanges>().DeleteAsync(Actor.Operator, id, cancellationToken: ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        app.Subcommands.Add(delete);

        var signOnTarget = new Argument<string>("app") { Description = "The app's id or exact name." };
        var signOnCommand = new Command("sign-on", "Change an app's OpenID Connect settings; each option given replaces that setting, the others stay.")
            { signOnTarget, redirectUris, postLogoutUris, backChannel, algorithm, apiScopes, requirePkce };
        signOnCommand.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(signOnTarget)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var current = await services.GetRequiredService<RosterDb>().Apps.AsNoTracking().SingleAsync(a => a.Id == id, ct);
            string Given(Option<string[]> option, string existing) => parse.GetResult(option) is null ? existing : string.Join('\n', parse.GetValue(option) ?? []);
            var settings = new SignOnSettings(Given(redirectUris, current.RedirectUris), Given(postLogoutUris, current.PostLogoutRedirectUris),
                parse.GetResult(backChannel) is null ? current.BackChannelLogoutUri : parse.GetValue(backChannel), parse.GetValue(algorithm) ?? current.TokenSigningAlgorithm,
                parse.GetResult(apiScopes) is null ? null : AppSignOn.SplitApiScopes(parse.GetValue(apiScopes)), parse.GetValue(requirePkce));
            var result = await services.GetRequiredService<AppSignOn>().UpdateAsync(Actor.Operator, id, settings, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine($"Client ID: {result.Value!.ClientId}");
            foreach (var uri in AppSignOn.Lines(result.Value.RedirectUris))
                Console.WriteLine($"Redirect URI: {uri}");
            foreach (var uri in AppSignOn.Lines(result.Value.PostLogoutRedirectUris))
                Console.WriteLine($"Post-logout redirect URI: {uri}");
            if (result.Value.BackChannelLogoutUri is { } logout)
                Console.WriteLine($"Back-channel logout URI: {logout}");
            Console.WriteLine($"Signing algorithm: {result.Value.TokenSigningAlgorithm}");
            Console.WriteLine($"API scopes: {(result.Value.ApiScopes.Length == 0 ? "none" : result.Value.ApiScopes)}");
            Console.WriteLine($"Require PKCE: {(result.Value.RequirePkce ? "yes" : "no")}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(signOnCommand);

        var secretTarget = new Argument<string>("app") { Description = "The app's id or exact name." };
        var secretCommand = new Command("secret", "Create a new client secret for an app and print it once; the old one stops working.") { secretTarget };
        secretCommand.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(secretTarget)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<AppSignOn>().NewSecretAsync(Actor.Operator, id, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine($"Client secret: {result.Value}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(secretCommand);

        var ldapTarget = new Argument<string>("app") { Description = "The app's id or exact name." };
        var ldapCommand = new Command("ldap-password", "Create a new password for an app's LDAP service account and print it once with the bind DN; the old one stops working.") { ldapTarget };
        ldapCommand.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (id, problem) = await FindAsync(services, parse.GetValue(ldapTarget)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, id, ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            var clientId = await services.GetRequiredService<RosterDb>().Apps.Where(a => a.Id == id).Select(a => a.ClientId).SingleAsync(ct);
            Console.WriteLine($"Bind DN: {services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Roster.DirectoryServer.LdapSettings>>().Value.ServiceAccountDn(clientId)}");
            Console.WriteLine($"Password: {result.Value}");
            return RosterCli.Ok;
        }, cancellationToken));
        app.Subcommands.Add(ldapCommand);
        app.Subcommands.Add(AppGrantSettingsCommands.CreateRefreshTokens());
        app.Subcommands.Add(AppGrantSettingsCommands.CreateConsent());
        app.Subcommands.Add(AppGrantSettingsCommands.CreateDeviceGrant());
        app.Subcommands.Add(AppRoleCommand.Create());
        app.Subcommands.Add(AppScimCommand.Create());
        return app;
    }

    /// <summary>The app named by id or exact name, or why there is not exactly one.</summary>
    internal static async Task<(Guid Id, string? Problem)> FindAsync(IServiceProvider services, string which, CancellationToken cancellationToken)
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
