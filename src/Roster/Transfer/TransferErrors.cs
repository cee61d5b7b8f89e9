namespace Roster.Transfer;

public static class TransferErrors
{
    public static readonly Error Forbidden = Error.Forbidden("import.forbidden", "Only administrators may import or export the directory.");

    public static readonly Error Changed = Error.Conflict("import.changed",
        "The directory changed since the file was checked, so the import would no longer do what was shown. Nothing was imported; check the file again.");
}
