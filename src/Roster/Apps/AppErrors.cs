namespace Roster.Apps;

public static class AppErrors
{
    public static readonly Error NotFound = Error.NotFound("not_found", "There is no such app.");
}
