using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.MailDirectory;
using Roster.Data;
using Roster.Users;

namespace Roster.Cli;

/// <summary>`roster user …`: the operator's user management, through the same services and rules as the dashboard.</summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var user = new Command("user", "List, create, invite, update, disable, enable and delete users, make password reset links, and manage their SSH keys.");
        user.Subcommands.Add(List());
        user.Subcommands.Add(CreateUser());
        user.Subcommands.Add(Invite());
        user.Subcommands.Add(Update());
        user.Subcommands.Add(SetEnabled("disable", "Disable a user: every session ends and no sign-in works; nothing is deleted.", false));
        user.Subcommands.Add(SetEnabled("enable", "Enable a disabled user again.", true));
        user.Subcommands.Add(Delete());
        user.Subcommands.Add(ResetLink());
        user.Subcommands.Add(SshKeyCommand.Create());
        return user;
    }

    internal static Argument<string> Who() => new("user") { Description = "The user's id, username or email address." };

    private static Command List()
    {
        var search = new Option<string?>("--search") { Description = "Only users whose name, username or email contains this." };
        var status = new Option<UserStatus?>("--status") { Description = "Only users with this status: Enabled, Disabled or Invited." };
        var sort = new Option<UserSort>("--sort") { Description = "Updated (default), Name or Role.", DefaultValueFactory = _ => UserSort.Updated };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("list", "List users, newest change first.") { search, status, sort, json };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var list = services.GetRequiredService<UserList>();
            var rows = new List<UserRow>();
            for (var page = 1; ; page++)
            {
                var result = await list.QueryAsync(Actor.Operator, new UserQuery(parse.GetValue(search), parse.GetValue(sort), parse.GetValue(status), page, UserList.MaxPageSize), ct);
                rows.AddRange(result.Rows);
                if (!result.HasMore)
                    break;
            }
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(rows, RosterCli.Json));
            else
                foreach (var row in rows)
                    Console.WriteLine($"{row.Id}\t{row.Username ?? "-"}\t{row.Email}\t{row.Role}\t{row.Status}\t{row.Name}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command CreateUser()
    {
        var email = new Option<string>("--email") { Description = "Email address (at most 64 characters).", Required = true };
        var username = new Option<string>("--username") { Description = "Username: letters, digits, dots and hyphens.", Required = true };
        var name = new Option<string>("--name") { Description = "Full name.", Required = true };
        var role = new Option<Role>("--role") { Description = "User (default), UserManager, MailManager, Admin or Owner.", DefaultValueFactory = _ => Role.User };
        var password = new Option<string?>("--password") { Description = "The password; when left out, one is generated and printed." };
        var disabled = new Option<bool>("--disabled") { Description = "Create the account disabled." };
        var command = new Command("create", "Create a user whose password is set now.") { email, username, name, role, password, disabled };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var chosen = parse.GetValue(password);
            var secret = chosen ?? Passwords.Unusable()[..20];
            var result = await services.GetRequiredService<NewUsers>().CreateAsync(Actor.Operator, new NewUser(
                parse.GetValue(email)!, parse.GetValue(username)!, parse.GetValue(name)!, parse.GetValue(role), !parse.GetValue(disabled), secret, secret), ct);
            if (!result.Succeeded)
                return Refused(result.Errors);
            Console.WriteLine($"Id: {result.Value!.Id}");
            if (chosen is null)
                Console.WriteLine($"Password: {secret}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Invite()
    {
        var email = new Option<string>("--email") { Description = "Email address to send the invitation to.", Required = true };
        var name = new Option<string>("--name") { Description = "Full name.", Required = true };
        var role = new Option<Role>("--role") { Description = "User (default), UserManager, MailManager, Admin or Owner.", DefaultValueFactory = _ => Role.User };
        var username = new Option<string?>("--username") { Description = "Username; when left out, the person chooses one." };
        var noEmail = new Option<bool>("--no-email") { Description = "Add the account without sending anything; the person uses \"Forgot password?\"." };
        var command = new Command("invite", "Invite a user by email (needs Roster__PublicUrl for the link).") { email, name, role, username, noEmail };
        command.SetAction((parse, cancellationToken) => RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var result = await services.GetRequiredService<NewUsers>().InviteAsync(Actor.Operator, new NewInvitation(
                parse.GetValue(email)!, parse.GetValue(name)!, parse.GetValue(role), parse.GetValue(username), !parse.GetValue(noEmail)), ct);
            if (!result.Succeeded)
                return Refused(result.Errors);
            Console.WriteLine($"Id: {result.Value!.Id}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Update()
    {
        var who = Who();
        var email = new Option<string?>("--email") { Description = "A new email address; it gets a confirmation link and the old one a notice." };
        var username = new Option<string?>("--username") { Description = "A new username." };
        var name = new Option<string?>("--name") { Description = "A new full name." };
        var role = new Option<Role?>("--role") { Description = "A new role: User, UserManager, MailManager, Admin or Owner." };
        var command = new Command("update", "Change a user's email, username, name or role; all of them or none.") { who, email, username, name, role };
        command.SetAction((parse, cancellationToken) => WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var patch = new UserPatch(parse.GetValue(name), parse.GetValue(email), Username: parse.GetValue(username), Role: parse.GetValue(role));
            var result = await services.GetRequiredService<UserChanges>().PatchAsync(Actor.Operator, user.Id, patch, ct);
            return result.Succeeded ? RosterCli.Ok : Refused(result.Errors);
        }, cancellationToken));
        return command;
    }

    private static Command SetEnabled(string verb, string description, bool enabled)
    {
        var who = Who();
        var command = new Command(verb, description) { who };
        command.SetAction((parse, cancellationToken) => WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var result = await services.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, enabled, ct);
            return result.Succeeded ? RosterCli.Ok : Refused(result.Errors);
        }, cancellationToken));
        return command;
    }

    private static Command Delete()
    {
        var who = Who();
        var yes = new Option<bool>("--yes") { Description = "Required: confirms that the deletion cannot be undone." };
        var deleteMailboxes = new Option<bool>("--delete-mailboxes") { Description = "Delete the user's mailboxes with them (needed when they own any, unless handed over)." };
        var handOver = new Option<string?>("--hand-mailboxes-to") { Description = "Give the user's mailboxes, aliases and mail to this person (username, email or id) instead." };
        var command = new Command("delete", "Delete a user for good.") { who, yes, deleteMailboxes, handOver };
        command.SetAction((parse, cancellationToken) => !parse.GetValue(yes)
            ? RosterCli.UsageError("user delete needs --yes: deleting cannot be undone.")
            : parse.GetValue(deleteMailboxes) && parse.GetValue(handOver) is not null
            ? RosterCli.UsageError("user delete takes --delete-mailboxes or --hand-mailboxes-to, not both.")
            : WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var fate = parse.GetValue(handOver) is { } to ? new MailboxFate(to) : parse.GetValue(deleteMailboxes) ? MailboxFate.Delete : null;
            var result = await services.GetRequiredService<UserChanges>().DeleteAsync(Actor.Operator, user.Id, mailboxes: fate, cancellationToken: ct);
            return result.Succeeded ? RosterCli.Ok : Refused(result.Errors);
        }, cancellationToken));
        return command;
    }

    private static Command ResetLink()
    {
        var who = Who();
        var email = new Option<bool>("--email") { Description = "Also email the link to the user." };
        var command = new Command("reset-link", "Print a single-use password reset link for a user (needs Roster__PublicUrl).") { who, email };
        command.SetAction((parse, cancellationToken) => WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var result = await services.GetRequiredService<PasswordReset>().IssueForAsync(Actor.Operator, user.Id, parse.GetValue(email), ct);
            if (!result.Succeeded)
                return Refused(result.Errors);
            Console.WriteLine($"Link: {result.Value}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    internal static Task<int> WithUserAsync(string who, Func<IServiceProvider, User, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RosterCli.WithServicesAsync(async (services, ct) =>
        {
            var users = services.GetRequiredService<UserManager<User>>();
            var user = Guid.TryParse(who, out var id)
                ? await services.GetRequiredService<RosterDb>().Users.SingleOrDefaultAsync(u => u.Id == id, ct)
                : await PasswordSignIn.FindByEmailOrUsernameAsync(users, who, ct);
            return user is null ? Exit.Fail($"No user has the id, username or email \"{who}\".") : await body(services, user, ct);
        }, cancellationToken);

    internal static int Refused(IReadOnlyList<Error> errors) => Exit.Fail(string.Join(" ", errors.Select(e => e.Message)));
}
