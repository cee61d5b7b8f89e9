namespace Roster.Transfer;

/// <summary>A problem with one line of the file (1-based; 0 for the file as a whole).</summary>
public sealed record ImportProblem(int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}

/// <summary>A person as the file describes them, before anything is checked against the directory.</summary>
public sealed record IncomingPerson(
    int Line, string Username, string Email, string Name, string? Role, bool Enabled, string? PasswordHash, IReadOnlyList<string> Groups,
    Guid? Id = null, bool EmailConfirmed = false, bool EmailVisible = true, DateTime? CreatedAt = null,
    bool InvitationPending = false, bool TwoFactorEnabled = false, ExportTwoFactor? TwoFactor = null);

public sealed record IncomingGroup(int Line, string Name, string Description, Guid? Id = null);

public sealed record IncomingApp(int Line, ExportApp App);

/// <summary>A person named as a member by a group's own entry (LDIF, JSON); <see cref="IncomingPerson.Groups"/> says the same from the person's side.</summary>
public sealed record IncomingMembership(int Line, string Group, string Username);

/// <summary>What a reader made of a file: its people, groups and apps, and the lines it could not read.</summary>
public sealed class ImportSource
{
    public List<IncomingPerson> People { get; } = [];
    public List<IncomingGroup> Groups { get; } = [];
    public List<IncomingApp> Apps { get; } = [];
    public List<IncomingMembership> Memberships { get; } = [];
    public List<ImportProblem> Problems { get; } = [];
}

public enum ImportFormat
{
    Json,
    Csv,
    Ldif,
}

public static class ImportFormats
{
    /// <summary>The format a file name suggests, for when none is given.</summary>
    public static ImportFormat? FromFileName(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => ImportFormat.Json,
        ".csv" => ImportFormat.Csv,
        ".ldif" or ".ldf" => ImportFormat.Ldif,
        _ => null,
    };

    public static ImportSource Read(ImportFormat format, string text) => format switch
    {
        ImportFormat.Csv => CsvImport.Read(text),
        ImportFormat.Ldif => LdifImport.Read(text),
        _ => JsonImport.Read(text),
    };
}
