namespace Roster.Groups;

public static class GroupErrors
{
    public static readonly Error NotFound = Error.NotFound("not_found", "There is no such group.");
}
