namespace Roster.Accounts;

/// <summary>A user's picture, kept in the database so every instance serves the same one.</summary>
public sealed class Avatar
{
    public Guid UserId { get; set; }
    public string ContentType { get; set; } = "";
    public byte[] Data { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}
