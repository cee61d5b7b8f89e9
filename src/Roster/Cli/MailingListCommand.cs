using System.CommandLine;
using Roster.Accounts;
using Roster.MailDirectory;

namespace Roster.Cli;

/// <summary>`roster mail list …`: mailing lists of people, groups (read when mail arrives) and outside addresses.</summary>
internal static class MailingListCommand
{
    public static Command Create()
    {
        // On its own it lists the lists: a subcommand called "list" under "list" crashes System.CommandLine's parser
        // (dotnet/command-line-api#2260), so `mail domain` and `mail mailbox` list on their own too, alike.
        var json = MailCommand.Json();
        var command = new Command("list", "List mailing lists (id, address, member count, who may post, description); show, create, change and delete them, and add and remove their members.")
            { json };
        command.SetAction((parse, cancellationToken) => PrintListsAsync(parse.GetValue(json), cancellationToken));
        command.Subcommands.Add(Show());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(Update());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Argument<string> Which() => new("list") { Description = "The list's address (case does not matter) or id." };

    /// <summary>--person, --group and --address, each repeatable: who a change adds to a list.</summary>
    private sealed record MemberOptions(Option<string[]> People, Option<string[]> Groups, Option<string[]> Addresses)
    {
        public static MemberOptions New() => new(
            new("--person") { Description = "A person to add: username, email or id (repeatable).", AllowMultipleArgumentsPerToken = true },
            new("--group") { Description = "A group to add; its members are read when mail arrives (repeatable).", AllowMultipleArgumentsPerToken = true },
            new("--address") { Description = "An address to add: outside Roster, or another list's (repeatable).", AllowMultipleArgumentsPerToken = true });

        public ListMembers From(ParseResult parse) => ListMembers.From(parse.GetValue(People), parse.GetValue(Groups), parse.GetValue(Addresses));
    }

    private static Task<int> PrintListsAsync(bool json, CancellationToken cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
    {
        var rows = await services.GetRequiredService<MailQueries>().ListsAsync(ct);
        if (json)
            MailCommand.PrintJson(rows);
        else
            foreach (var row in rows)
                Console.WriteLine($"{row.Id}\t{row.Address}\t{row.Members}\t{(row.MembersOnly ? "members-only" : "anyone")}\t{row.Description}");
        return RosterCli.Ok;
    }, cancellationToken);

    private static Command Show()
    {
        var which = Which();
        var json = MailCommand.Json();
        var command = new Command("show", "Show one mailing list and its members.") { which, json };
        command.SetAction((parse, cancellationToken) => MailCommand.WithListAsync(parse.GetValue(which)!, (services, id, ct) =>
            PrintAsync(services, id, parse.GetValue(json), ct), cancellationToken));
        return command;
    }

    private static Command CreateList()
    {
        var address = new Argument<string>("address") { Description = "The list's address, in one of the mail domains." };
        var description = new Option<string?>("--description") { Description = "What the list is for." };
        var membersOnly = new Option<bool>("--members-only") { Description = "Only members may post to it." };
        var members = MemberOptions.New();
        var command = new Command("create", "Create a mailing list, with members if given; prints its Id.")
            { address, description, membersOnly, members.People, members.Groups, members.Addresses };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<MailingLists>().CreateAsync(Actor.Operator, parse.GetValue(address), parse.GetValue(description),
                parse.GetValue(membersOnly), members.From(parse), ct);
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
        var description = new Option<string?>("--description") { Description = "A new description (\"\" for none)." };
        var membersOnly = new Option<bool?>("--members-only") { Description = "true: only members may post; false: anyone may.", Arity = ArgumentArity.ExactlyOne };
        var command = new Command("update", "Change a list's description or who may post; prints the list.") { which, description, membersOnly };
        command.SetAction((parse, cancellationToken) => parse.GetResult(description) is null && parse.GetResult(membersOnly) is null
            ? RosterCli.UsageError("mail list update needs --description or --members-only.")
            : MailCommand.WithListAsync(parse.GetValue(which)!, async (services, id, ct) =>
                await ReportAsync(services, await services.GetRequiredService<MailingLists>().UpdateAsync(Actor.Operator, id,
                    parse.GetResult(description) is null ? null : parse.GetValue(description) ?? "", parse.GetValue(membersOnly), ct), ct), cancellationToken));
        return command;
    }

    private static Command Add()
    {
        var which = Which();
        var members = MemberOptions.New();
        var command = new Command("add", "Add people, groups and addresses to a list; anything unknown or refused adds nobody. Prints the list.")
            { which, members.People, members.Groups, members.Addresses };
        command.SetAction((parse, cancellationToken) => MailCommand.WithListAsync(parse.GetValue(which)!, async (services, id, ct) =>
            await ReportAsync(services, await services.GetRequiredService<MailingLists>().AddMembersAsync(Actor.Operator, id, members.From(parse), ct), ct), cancellationToken));
        return command;
    }

    private static Command Remove()
    {
        var which = Which();
        var member = new Argument<string>("member") { Description = "The member: an address, a person's username, email or id, or a group's name." };
        var command = new Command("remove", "Remove one member from a list; prints the list.") { which, member };
        command.SetAction((parse, cancellationToken) => MailCommand.WithListAsync(parse.GetValue(which)!, async (services, id, ct) =>
        {
            var list = (await services.GetRequiredService<MailQueries>().ListAsync(id, ct))!;
            var memberId = await FindMemberAsync(services, list, parse.GetValue(member)!.Trim(), ct);
            if (memberId is null)
                return Exit.Fail($"{parse.GetValue(member)!.Trim()} is not a member of {list.Address}.");
            return await ReportAsync(services, await services.GetRequiredService<MailingLists>().RemoveMemberAsync(Actor.Operator, id, memberId.Value, ct), ct);
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// The member named the way people name them: an address member by its address first (an outside address may
    /// also be someone's email), then a person by username, email or id, then a group by name.
    /// </summary>
    private static async Task<Guid?> FindMemberAsync(IServiceProvider services, MailingListDetailDto list, string named, CancellationToken cancellationToken)
    {
        if (list.Members.FirstOrDefault(m => m.Kind == "address" && string.Equals(m.Address, MailAddresses.Normalize(named), StringComparison.Ordinal)) is { } address)
            return address.MemberId;
        if ((await services.GetRequiredService<AccountLookup>().FindByNamesAsync([named], cancellationToken)).GetValueOrDefault(named) is { } person
            && list.Members.FirstOrDefault(m => m.Kind == "person" && m.Id == person.Id) is { } personMember)
            return personMember.MemberId;
        return list.Members.FirstOrDefault(m => m.Kind == "group" && (string.Equals(m.Name, named, StringComparison.OrdinalIgnoreCase) || m.Id.ToString() == named.ToLowerInvariant()))?.MemberId;
    }

    private static Command Delete()
    {
        var which = Which();
        var yes = MailCommand.Yes();
        var command = new Command("delete", "Delete a mailing list for good (refused while another list contains it).") { which, yes };
        command.SetAction((parse, cancellationToken) => !parse.GetValue(yes)
            ? RosterCli.UsageError("mail list delete needs --yes: deleting cannot be undone.")
            : MailCommand.WithListAsync(parse.GetValue(which)!, async (services, id, ct) =>
            {
                var result = await services.GetRequiredService<MailingLists>().DeleteAsync(Actor.Operator, id, ct);
                return result.Succeeded ? RosterCli.Ok : MailCommand.Refused(result);
            }, cancellationToken));
        return command;
    }

    private static async Task<int> ReportAsync(IServiceProvider services, Result<MailingList> result, CancellationToken cancellationToken) =>
        result.Succeeded ? await PrintAsync(services, result.Value!.Id, json: false, cancellationToken) : MailCommand.Refused(result);

    private static async Task<int> PrintAsync(IServiceProvider services, Guid id, bool json, CancellationToken cancellationToken)
    {
        var list = (await services.GetRequiredService<MailQueries>().ListAsync(id, cancellationToken))!;
        if (json)
        {
            MailCommand.PrintJson(list);
            return RosterCli.Ok;
        }
        Console.WriteLine($"Id: {list.Id}");
        Console.WriteLine($"Address: {list.Address}");
        Console.WriteLine($"Description: {list.Description}");
        Console.WriteLine($"Members only: {(list.MembersOnly ? "yes" : "no")}");
        foreach (var member in list.Members)
            Console.WriteLine($"Member: {member.Kind} {(member.Kind == "person" ? $"{member.Name} ({member.Address})" : member.Name)}");
        return RosterCli.Ok;
    }
}
