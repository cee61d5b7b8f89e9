using System.CommandLine;
using Roster.MailDirectory;

namespace Roster.Cli;

/// <summary>`roster mail mailbox …`: mailboxes of a person or (shared) of a group, and their aliases.</summary>
internal static class MailboxCommand
{
    public static Command Create()
    {
        // On its own it lists too, like `mail list` (which cannot have a "list" subcommand).
        var json = MailCommand.Json();
        var command = new Command("mailbox", "List (on its own, or with list), show, create, change, hand over and delete mailboxes, and add and remove their aliases.") { json };
        command.SetAction((parse, cancellationToken) => PrintAllAsync(parse.GetValue(json), cancellationToken));
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(CreateMailbox());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(Alias());
        command.Subcommands.Add(HandOver());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Argument<string> Which() => new("mailbox") { Description = "The mailbox's address (case does not matter) or id." };

    private static Option<string?> Person(string description) => new("--person") { Description = description };

    private static Option<string?> Group(string description) => new("--group") { Description = description };

    private static Command List()
    {
        var json = MailCommand.Json();
        var command = new Command("list", "List mailboxes: id, address, Enabled or Disabled, owner kind, owner, aliases.") { json };
        command.SetAction((parse, cancellationToken) => PrintAllAsync(parse.GetValue(json), cancellationToken));
        return command;
    }

    private static Task<int> PrintAllAsync(bool json, CancellationToken cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
    {
        var rows = await services.GetRequiredService<MailQueries>().MailboxesAsync(null, ct);
        if (json)
            MailCommand.PrintJson(rows);
        else
            foreach (var row in rows)
                Console.WriteLine($"{row.Id}\t{row.Address}\t{(row.Enabled ? "Enabled" : "Disabled")}\t{row.OwnerKind}\t{row.OwnerName}\t{string.Join(",", row.Aliases)}");
        return RosterCli.Ok;
    }, cancellationToken);

    private static Command Show()
    {
        var which = Which();
        var json = MailCommand.Json();
        var command = new Command("show", "Show one mailbox: its owner, aliases and whether the mail server sees it.") { which, json };
        command.SetAction((parse, cancellationToken) => MailCommand.WithMailboxAsync(parse.GetValue(which)!, (services, id, ct) =>
            PrintAsync(services, id, parse.GetValue(json), ct), cancellationToken));
        return command;
    }

    private static Command CreateMailbox()
    {
        var address = new Argument<string>("address") { Description = "The mailbox's address, in one of the mail domains." };
        var person = Person("The person who owns it: username, email or id.");
        var group = Group("The group that shares it, instead of a person.");
        var aliases = new Option<string[]>("--alias") { Description = "Another address delivering to it (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("create", "Create a mailbox for a person or a group; prints its Id.") { address, person, group, aliases };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<Mailboxes>().CreateAsync(Actor.Operator, parse.GetValue(address), parse.GetValue(person), parse.GetValue(group),
                parse.GetValue(aliases), ct);
            if (!result.Succeeded)
                return MailCommand.Refused(result);
            Console.WriteLine($"Id: {result.Value!.Id}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Update()
    {
        var which = Which();
        var address = new Option<string?>("--address") { Description = "A new address; the mail and aliases stay with the mailbox." };
        var enable = new Option<bool>("--enable") { Description = "Publish the mailbox again." };
        var disable = new Option<bool>("--disable") { Description = "Stop publishing it: the mail server refuses its mail and sign-ins; nothing is deleted." };
        var command = new Command("update", "Change a mailbox's address, or enable or disable it; prints the mailbox.") { which, address, enable, disable };
        command.SetAction((parse, cancellationToken) =>
        {
            var (on, off, newAddress) = (parse.GetValue(enable), parse.GetValue(disable), parse.GetValue(address));
            if (on && off)
                return RosterCli.UsageError("mail mailbox update takes --enable or --disable, not both.");
            if (!on && !off && newAddress is null)
                return RosterCli.UsageError("mail mailbox update needs --address, --enable or --disable.");
            return MailCommand.WithMailboxAsync(parse.GetValue(which)!, async (services, id, ct) =>
                await ReportAsync(services, await services.GetRequiredService<Mailboxes>().UpdateAsync(Actor.Operator, id, newAddress, on ? true : off ? false : null, ct), ct),
                cancellationToken);
        });
        return command;
    }

    private static Command Alias()
    {
        var command = new Command("alias", "Add or remove an alias: another address delivering to a mailbox.");
        var addWhich = Which();
        var added = new Argument<string>("alias") { Description = "The new address, in one of the mail domains." };
        var add = new Command("add", "Add an alias to a mailbox; prints the mailbox.") { addWhich, added };
        add.SetAction((parse, cancellationToken) => MailCommand.WithMailboxAsync(parse.GetValue(addWhich)!, async (services, id, ct) =>
            await ReportAsync(services, await services.GetRequiredService<Mailboxes>().AddAliasAsync(Actor.Operator, id, parse.GetValue(added), ct), ct), cancellationToken));
        command.Subcommands.Add(add);

        var removeWhich = Which();
        var removed = new Argument<string>("alias") { Description = "The alias to remove." };
        var remove = new Command("remove", "Remove an alias from a mailbox; prints the mailbox.") { removeWhich, removed };
        remove.SetAction((parse, cancellationToken) => MailCommand.WithMailboxAsync(parse.GetValue(removeWhich)!, async (services, id, ct) =>
            await ReportAsync(services, await services.GetRequiredService<Mailboxes>().RemoveAliasAsync(Actor.Operator, id, parse.GetValue(removed), ct), ct), cancellationToken));
        command.Subcommands.Add(remove);
        return command;
    }

    private static Command HandOver()
    {
        var which = Which();
        var person = Person("The person who gets it: username, email or id.");
        var group = Group("The group that gets it, to share it.");
        var command = new Command("hand-over", "Give a mailbox, its aliases and its mail to another person or to a group; prints the mailbox.") { which, person, group };
        command.SetAction((parse, cancellationToken) => MailCommand.WithMailboxAsync(parse.GetValue(which)!, async (services, id, ct) =>
            await ReportAsync(services, await services.GetRequiredService<Mailboxes>().HandOverAsync(Actor.Operator, id, parse.GetValue(person), parse.GetValue(group), ct), ct),
            cancellationToken));
        return command;
    }

    private static Command Delete()
    {
        var which = Which();
        var yes = MailCommand.Yes();
        var command = new Command("delete", "Delete a mailbox and its aliases for good.") { which, yes };
        command.SetAction((parse, cancellationToken) => !parse.GetValue(yes)
            ? RosterCli.UsageError("mail mailbox delete needs --yes: deleting cannot be undone.")
            : MailCommand.WithMailboxAsync(parse.GetValue(which)!, async (services, id, ct) =>
            {
                var result = await services.GetRequiredService<Mailboxes>().DeleteAsync(Actor.Operator, id, ct);
                return result.Succeeded ? RosterCli.Ok : MailCommand.Refused(result);
            }, cancellationToken));
        return command;
    }

    private static async Task<int> ReportAsync(IServiceProvider services, Result<Mailbox> result, CancellationToken cancellationToken) =>
        result.Succeeded ? await PrintAsync(services, result.Value!.Id, json: false, cancellationToken) : MailCommand.Refused(result);

    private static async Task<int> PrintAsync(IServiceProvider services, Guid id, bool json, CancellationToken cancellationToken)
    {
        var mailbox = (await services.GetRequiredService<MailQueries>().MailboxAsync(id, cancellationToken))!;
        if (json)
        {
            MailCommand.PrintJson(mailbox);
            return RosterCli.Ok;
        }
        Console.WriteLine($"Id: {mailbox.Id}");
        Console.WriteLine($"Address: {mailbox.Address}");
        Console.WriteLine($"Owner: {mailbox.OwnerKind} {mailbox.OwnerName}");
        Console.WriteLine($"Enabled: {(mailbox.Enabled ? "yes" : "no")}");
        Console.WriteLine($"Published: {(mailbox.Published ? "yes" : "no")}");
        foreach (var alias in mailbox.Aliases)
            Console.WriteLine($"Alias: {alias}");
        return RosterCli.Ok;
    }
}
