using System.CommandLine;
using Roster.Accounts;

namespace Roster.Cli;

internal static class OwnerLoginCommand
{
    public static Command Create()
    {
        var owner = new Option<string?>("--owner") { Description = "The owner's username or email, when there are several." };
        var command = new Command("owner-login", "Print a one-time password that signs an owner in once, without two-factor, for the next 10 minutes.") { owner };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var issued = await services.GetRequiredService<OwnerLogin>().IssueAsync(parse.GetValue(owner), ct);
            if (!issued.Succeeded)
                return Exit.Fail(string.Join(" ", issued.Errors.Select(e => e.Message)));
            Console.WriteLine($"Username: {issued.Value!.Username}");
            Console.WriteLine($"One-time password: {issued.Value.Password}");
            Console.WriteLine($"Valid until: {issued.Value.ExpiresAt:yyyy-MM-dd HH:mm} UTC, for one sign-in.");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }
}
