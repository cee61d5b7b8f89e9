using Roster.MailDirectory;

namespace Roster.Users;

/// <summary>
/// The deletion forms' question about a person's mailboxes: "delete" them too, or "hand-over" to the person named.
/// Asked only of those who may decide about mail; UserChanges refuses a deletion that leaves it unanswered.
/// </summary>
public static class MailboxFateForm
{
    public const string Delete = "delete";
    public const string HandOver = "hand-over";

    /// <summary>The fate chosen (null when none was), or why the choice cannot be read.</summary>
    public static (MailboxFate? Fate, Error? Error) Read(string? choice, string? handOverTo) => choice switch
    {
        Delete => (MailboxFate.Delete, null),
        HandOver when string.IsNullOrWhiteSpace(handOverTo) =>
            (null, new Error("mail.hand_over_to_required", "Name the person (username or email) who takes the mailboxes over.", "Mailboxes")),
        HandOver => (new MailboxFate(handOverTo.Trim()), null),
        _ => (null, null),
    };
}

/// <summary>The model of _MailboxFate: the addresses at stake and what the form last said about them.</summary>
public sealed record MailboxFateView(IReadOnlyList<string> Addresses, string? Choice, string? HandOverTo, IReadOnlyList<string> Errors);
