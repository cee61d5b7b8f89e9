using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;

namespace Roster.Cli;

/// <summary>`roster app refresh-tokens …`: which refresh tokens an app gets (offline_access, or always), as an admin sets them.</summary>
internal static class AppRefreshTokensCommand
{
    public static Command Create()
    {
        var refreshApp = new Argument<string>("app") { Description = "The app's id or exact name." };
        var offline = new Option<bool>("--offline-access") { Description = "The app may ask for offline_access: refresh tokens that outlive sign-out." };
        var always = new Option<bool>("--always-issue") { Description = "The app gets a session-bound refresh token with every code, without asking." };
        var refresh = new Command("refresh-tokens", "Set which refresh tokens an app gets; options not given are off.") { refreshApp, offline, always };
        refresh.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var which = parse.GetValue(refreshApp)!;
            var db = services.GetRequiredService<RosterDb>();
            var appIds = Guid.TryParse(which, out var appId)
                ? await db.Apps.Where(a => a.Id == appId).Select(a => a.Id).ToListAsync(ct)
                : await db.Apps.Where(a => a.Name == which).Select(a => a.Id).ToListAsync(ct);
            if (appIds.Count != 1)
                return Exit.Fail(appIds.Count == 0 ? $"There is no app \"{which}\"." : $"Several apps are called \"{which}\"; give the id.");
            var result = await services.GetRequiredService<AppRefreshTokens>().UpdateAsync(Actor.Operator, appIds[0],
                new RefreshTokenSettings(parse.GetValue(offline), parse.GetValue(always)), ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        return refresh;
    }
}
