using System.CommandLine;
using Roster.Apps;

namespace Roster.Cli;

/// <summary>`roster app refresh-tokens …` and `roster app consent …`: what an app gets from people without asking each time, as an admin sets it.</summary>
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

    public static Command CreateConsent()
    {
        var consentApp = new Argument<string>("app") { Description = "The app's id or exact name." };
        var required = new Argument<string>("required") { Description = "on: each person is asked to allow the app what it asks for; off: they are not." };
        required.AcceptOnlyFromAmong("on", "off");
        var consent = new Command("consent", "Set whether people are asked for their consent before an app signs them in.") { consentApp, required };
        consent.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var (appId, problem) = await AppCommand.FindAsync(services, parse.GetValue(consentApp)!, ct);
            if (problem is not null)
                return Exit.Fail(problem);
            var result = await services.GetRequiredService<AppGrantSettings>().SetConsentAsync(Actor.Operator, appId, parse.GetValue(required) == "on", ct);
            if (!result.Succeeded)
                return Exit.Fail(string.Join(" ", result.Errors.Select(e => e.Message)));
            Console.WriteLine(result.Value!.RequireConsent ? $"{result.Value.Name}: each person is asked for their consent." : $"{result.Value.Name}: no one is asked for their consent.");
            return RosterCli.Ok;
        }, cancellationToken));
        return consent;
    }
}
