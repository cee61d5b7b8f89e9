using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.MailDirectory;

/// <summary>
/// What the mail pages share: the refusals of the last form, listed at the top of the page and repeated beside the
/// field they concern. Several forms on one page name a field alike (a mailbox's and a list's "Address"), so each
/// error belongs to the form that was sent (<see cref="Sent"/>).
/// </summary>
public abstract class MailPageModel : PageModel
{
    public List<Error> Errors { get; } = [];

    /// <summary>The form whose refusals <see cref="Errors"/> holds.</summary>
    public string? Sent { get; protected set; }

    public string? Notice { get; protected set; }

    /// <summary>The messages to show beside <paramref name="field"/> of <paramref name="form"/>.</summary>
    public IReadOnlyList<string> ErrorsFor(string form, params string[] field) =>
        Sent == form ? [.. Errors.Where(e => e.Field is not null && field.Contains(e.Field)).Select(e => e.Message)] : [];

    /// <summary>The field's error paragraph id for aria-describedby, or null (no attribute) when it has none.</summary>
    public string? DescribedBy(string form, string field, string id) => ErrorsFor(form, field).Count > 0 ? id : null;

    public string? Invalid(string form, string field) => ErrorsFor(form, field).Count > 0 ? "true" : null;

    /// <summary>The model of the _FieldErrors partial: the field's messages and the id its input names.</summary>
    public (IReadOnlyList<string> Messages, string Id) Field(string form, string field, string id) => (ErrorsFor(form, field), id);

    /// <summary>Whether the mail server delivers to a mailbox now, and if not, why.</summary>
    public static string StatusOf(MailboxDto mailbox) =>
        mailbox.Published ? "Active" : !mailbox.Enabled ? "Disabled" : "Off: its person is disabled or has not accepted the invitation";
}
