using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.MailDirectory;

namespace Roster.Cli;

/// <summary>`roster mail domain …`: the domains every mailbox, alias and list address must be in.</summary>
internal static class MailDomainCommand
{
    public static Command Create()
    {
        // On its own it lists too, like `mail list` (which cannot have a "list" subcommand).
        var json = MailCommand.Json();
        var command = new Command("domain", "List (on its own, or with list), add and remove the mail domains addresses are in.") { json };
        command.SetAction((parse, cancellationToken) => PrintAsync(parse.GetValue(json), cancellationToken));
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        var json = MailCommand.Json();
        var command = new Command("list", "List the mail domains: id, name, how many addresses are in it.") { json };
        command.SetAction((parse, cancellationToken) => PrintAsync(parse.GetValue(json), cancellationToken));
        return command;
    }

    private static Task<int> PrintAsync(bool json, CancellationToken cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
    {
        var rows = await services.GetRequiredService<MailQueries>().DomainsAsync(ct);
        if (json)
            MailCommand.PrintJson(rows);
        else
            foreach (var row in rows)
                Console.WriteLine($"{row.Id}\t{row.Name}\t{row.Addresses}");
        return RosterCli.Ok;
    }, cancellationToken);

    private static Command Add()
    {
        var name = new Argument<string>("domain") { Description = "The domain name, such as example.org." };
        var command = new Command("add", "Add a mail domain; prints its Id.") { name };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<MailDomains>().AddAsync(Actor.Operator, parse.GetValue(name), ct);
            if (!result.Succeeded)
                return MailCommand.Refused(result);
            Console.WriteLine($"Id: {result.Value!.Id}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Remove()
    {
        var which = new Argument<string>("domain") { Description = "The domain's name or id." };
        var yes = MailCommand.Yes();
        var command = new Command("remove", "Remove a mail domain (refused while any address is in it).") { which, yes };
        command.SetAction((parse, cancellationToken) => !parse.GetValue(yes)
            ? RosterCli.UsageError("mail domain remove needs --yes.")
            : RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var named = parse.GetValue(which)!.Trim();
            var (domainName, _) = MailAddresses.ParseDomain(named);
            var byId = Guid.TryParse(named, out var parsed) ? parsed : Guid.Empty;
            var id = await services.GetRequiredService<RosterDb>().MailDomains.Where(d => d.Name == domainName || d.Id == byId)
                .Select(d => (Guid?)d.Id).SingleOrDefaultAsync(ct);
            if (id is null)
                return Exit.Fail($"There is no mail domain \"{named}\".");
            var result = await services.GetRequiredService<MailDomains>().RemoveAsync(Actor.Operator, id.Value, ct);
            return result.Succeeded ? RosterCli.Ok : MailCommand.Refused(result);
        }, cancellationToken));
        return command;
    }
}
