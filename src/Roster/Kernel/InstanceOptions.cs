namespace Roster.Kernel;

/// <summary>Where this instance keeps its files and how the outside world reaches it (section "Roster").</summary>
public sealed class InstanceOptions
{
    public const string Section = "Roster";

    /// <summary>The data folder: SQLite file, .eml files, uploads. Relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The external base URL (also the OIDC issuer). When unset, links are built from the incoming request.</summary>
    public string? PublicUrl { get; set; }

    public string DataPath => Path.GetFullPath(DataDirectory);
}
