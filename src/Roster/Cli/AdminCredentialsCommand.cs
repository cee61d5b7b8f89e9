using System.CommandLine;
using Roster.Accounts;

namespace Roster.Cli;

internal static class AdminCredentialsCommand
{
    public static Command Create()
    {
        var command = new Command("admin-credentials", "Print the credentials of the first owner, made at first start, while that password is unchanged.");
        command.SetAction((_, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var credentials = await services.GetRequiredService<FirstOwner>().SetupCredentialsAsync(ct);
            if (credentials is null)
                return Exit.Fail("The first owner's password has been changed since setup, so there is no setup password to show. " +
                    "Sign in with the current password, or run `roster owner-login` for a one-time password.");

            Console.WriteLine($"Email: {credentials.Email}");
            Console.WriteLine($"Username: {credentials.Username}");
            Console.WriteLine($"Password: {credentials.Password}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }
}
