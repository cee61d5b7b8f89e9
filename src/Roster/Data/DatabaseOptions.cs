namespace Roster.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Roster:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, overrides the file in the data folder; for PostgreSQL, names the server and database (required).</summary>
    public string? ConnectionString { get; set; }
}
