using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Data;
using Roster.MailDirectory;

namespace Roster.Cli;

/// <summary>
/// `roster mail …`: domains, mailboxes and mailing lists, through the same services, rules and messages as /mail
/// and /api/v1/mail. Mailboxes and lists are named by their address (ignoring case) or their id.
/// </summary>
internal static class MailCommand
{
    public static Command Create()
    {
        var mail = new Command("mail", "Manage the mail directory: mail domains, mailboxes with their aliases, and mailing lists.");
        mail.Subcommands.Add(MailDomainCommand.Create());
        mail.Subcommands.Add(MailboxCommand.Create());
        mail.Subcommands.Add(MailingListCommand.Create());
        return mail;
    }

    internal static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts." };

    internal static Option<bool> Yes() => new("--yes") { Description = "Required: confirms that the deletion cannot be undone." };

    internal static void PrintJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, RosterCli.Json));

    /// <summary>Runs <paramref name="body"/> with the id of the mailbox named by its own address or its id, or fails with one line.</summary>
    internal static Task<int> WithMailboxAsync(string which, Func<IServiceProvider, Guid, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var normalized = MailAddresses.Normalize(which);
            var id = Guid.TryParse(which, out var parsed)
                ? await db.Mailboxes.Where(m => m.Id == parsed).Select(m => (Guid?)m.Id).SingleOrDefaultAsync(ct)
                : await db.MailAddresses.Where(a => a.NormalizedAddress == normalized && a.Kind == MailAddressKind.Mailbox).Select(a => a.MailboxId).SingleOrDefaultAsync(ct);
            return id is { } found ? await body(services, found, ct) : await NotFoundAsync(services, "mailbox", which, ct);
        }, cancellationToken);

    /// <summary>Runs <paramref name="body"/> with the id of the mailing list named by its address or its id, or fails with one line.</summary>
    internal static Task<int> WithListAsync(string which, Func<IServiceProvider, Guid, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var db = services.GetRequiredService<RosterDb>();
            var normalized = MailAddresses.Normalize(which);
            var id = Guid.TryParse(which, out var parsed)
                ? await db.MailingLists.Where(l => l.Id == parsed).Select(l => (Guid?)l.Id).SingleOrDefaultAsync(ct)
                : await db.MailAddresses.Where(a => a.NormalizedAddress == normalized && a.Kind == MailAddressKind.List).Select(a => a.ListId).SingleOrDefaultAsync(ct);
            return id is { } found ? await body(services, found, ct) : await NotFoundAsync(services, "mailing list", which, ct);
        }, cancellationToken);

    /// <summary>Says what the address is instead when it is someone's (an alias, a list), so the operator sees the mix-up.</summary>
    private static async Task<int> NotFoundAsync(IServiceProvider services, string kind, string which, CancellationToken cancellationToken) =>
        await services.GetRequiredService<AddressBook>().DescribeAsync(MailAddresses.Normalize(which), cancellationToken) is { } other
            ? Exit.Fail($"{which.Trim()} is not a {kind}: it is {other}.")
            : Exit.Fail($"There is no {kind} \"{which.Trim()}\".");

    internal static int Refused<T>(Result<T> result) => UserCommand.Refused(result.Errors);
}
