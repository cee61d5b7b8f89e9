using System.CommandLine;
using Roster.Apps;

namespace Roster.Cli;

/// <summary>`roster app refresh-tokens …`, `roster app consent …` and `roster app device-grant …`: what an app gets from people without asking each time, as an admin sets it.</summary>
internal static class AppGrantSettingsCommands
{
    public static Command CreateRefreshTokens()
    {
        var refreshApp = new Argument<string>("app") { Description = "The app's id or exact name." };
        var offline = new Option<bool>("--offline-access") { Description = "The app may ask for offline_access: refresh tokens that outlive sign-out." };
        var always = new Option<bool>("--always-issue") { Description = "The app gets a session-bound refresh token with every code, without asking." };
        var refresh = new Command("refresh-tokens", "Set which refresh tokens an app gets; options not given are off.") { refreshApp, offline, always };
        refresh.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (appId, problem) = await AppCommand.FindAsync(services, parse.GetValue(refreshApp)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<AppGrantSettings>().SetRefreshTokensAsync(Actor.Operator, appId,
                new RefreshTokenSettings(parse.GetValue(offline), parse.GetValue(always)), ct);
            return result.Succeeded ? RosterCli.Ok : Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
        }, cancellationToken));
        return refresh;
    }

    public static Command CreateConsent() => OnOff("consent", "Set whether people are asked for their consent before an app signs them in.",
        (settings, id, on, ct) => settings.SetConsentAsync(Actor.Operator, id, on, ct),
        app => app.RequireConsent ? $"{app.Name}: each person is asked for their consent." : $"{app.Name}: no one is asked for their consent.");

    public static Command CreateDeviceGrant() => OnOff("device-grant", "Set whether an app may sign people in on devices (the device authorization grant).",
        (settings, id, on, ct) => settings.SetDeviceGrantAsync(Actor.Operator, id, on, ct),
        app => app.AllowDeviceGrant ? $"{app.Name}: may sign people in on devices." : $"{app.Name}: may not sign people in on devices.");

    /// <summary>`roster app NAME &lt;app&gt; on|off`, printing the setting as it now is.</summary>
    private static Command OnOff(string name, string description, Func<AppGrantSettings, Guid, bool, CancellationToken, Task<Result<App>>> set, Func<App, string> describe)
    {
        var appArgument = new Argument<string>("app") { Description = "The app's id or exact name." };
        var value = new Argument<string>("setting") { Description = "on or off." };
        value.AcceptOnlyFromAmong("on", "off");
        var command = new Command(name, description) { appArgument, value };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (appId, problem) = await AppCommand.FindAsync(services, parse.GetValue(appArgument)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await set(services.GetRequiredService<AppGrantSettings>(), appId, parse.GetValue(value) == "on", ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine(describe(result.Value!));
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }
}
