namespace Roster.MailDirectory;

public static class MailErrors
{
    public static readonly Error Forbidden = Error.Forbidden("forbidden", "Mail is managed by mail managers, admins and owners.");
    public static readonly Error DomainsForbidden = Error.Forbidden("forbidden", "Only admins and owners add and remove mail domains.");
    public static readonly Error DomainNotFound = Error.NotFound("not_found", "There is no such mail domain.");
    public static readonly Error MailboxNotFound = Error.NotFound("not_found", "There is no such mailbox.");
    public static readonly Error ListNotFound = Error.NotFound("not_found", "There is no such mailing list.");

    public static readonly Error Conflict = Error.Conflict("conflict",
        "Someone else made a clashing change at the same moment (the address was taken, or the mailbox or list deleted). Reload and try again.");
}
