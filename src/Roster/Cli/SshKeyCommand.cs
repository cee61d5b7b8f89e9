using System.CommandLine;
using System.Text.Json;
using Roster.Accounts;

namespace Roster.Cli;

/// <summary>`roster user ssh-key …`: a person's SSH public keys, through the same service and checks as /account/ssh-keys.</summary>
internal static class SshKeyCommand
{
    public static Command Create()
    {
        var command = new Command("ssh-key", "List, add and remove a user's SSH public keys (published over LDAP as sshPublicKey).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        var who = UserCommand.Who();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("list", "List a user's SSH keys: id, fingerprint, type, comment.") { who, json };
        command.SetAction((parse, cancellationToken) => UserCommand.WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var result = await services.GetRequiredService<SshKeys>().ListAsync(Actor.Operator, user.Id, ct);
            if (!result.Succeeded)
                return UserCommand.Refused(result.Errors);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(result.Value!.Select(k => new { k.Id, k.Type, k.Bits, k.Fingerprint, k.Comment, PublicKey = k.Line, k.CreatedAt }), RosterCli.Json));
            else
                foreach (var key in result.Value!)
                    Console.WriteLine($"{key.Id}\t{key.Fingerprint}\t{key.Type}\t{key.Comment}");
            return RosterCli.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Add()
    {
        var who = UserCommand.Who();
        var key = new Argument<string>("key") { Description = "The public key line (quote it), or - to read it from standard input, e.g. < ~/.ssh/id_ed25519.pub." };
        var command = new Command("add", "Add an SSH public key to a user; prints its Id and Fingerprint.") { who, key };
        command.SetAction((parse, cancellationToken) =>
        {
            var line = parse.GetValue(key)!;
            if (line == "-")
                line = Console.In.ReadToEnd();
            return UserCommand.WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
            {
                var result = await services.GetRequiredService<SshKeys>().AddAsync(Actor.Operator, user.Id, line, ct);
                if (!result.Succeeded)
                    return UserCommand.Refused(result.Errors);
                Console.WriteLine($"Id: {result.Value!.Id}");
                Console.WriteLine($"Fingerprint: {result.Value.Fingerprint}");
                return RosterCli.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Remove()
    {
        var who = UserCommand.Who();
        var key = new Argument<string>("key") { Description = "The key's id or its fingerprint (SHA256:…), as `ssh-key list` prints them." };
        var command = new Command("remove", "Remove one of a user's SSH keys.") { who, key };
        command.SetAction((parse, cancellationToken) => UserCommand.WithUserAsync(parse.GetValue(who)!, async (services, user, ct) =>
        {
            var keys = services.GetRequiredService<SshKeys>();
            var named = parse.GetValue(key)!.Trim();
            var listed = await keys.ListAsync(Actor.Operator, user.Id, ct);
            if (!listed.Succeeded)
                return UserCommand.Refused(listed.Errors);
            var found = listed.Value!.FirstOrDefault(k => k.Id.ToString().Equals(named, StringComparison.OrdinalIgnoreCase) || k.Fingerprint == named);
            if (found is null)
                return Exit.Fail($"{user.UserName ?? user.Email} has no SSH key with the id or fingerprint \"{named}\".");
            var result = await keys.RemoveAsync(Actor.Operator, user.Id, found.Id, ct);
            return result.Succeeded ? RosterCli.Ok : UserCommand.Refused(result.Errors);
        }, cancellationToken));
        return command;
    }
}
