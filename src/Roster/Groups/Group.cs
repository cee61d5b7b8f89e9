namespace Roster.Groups;

/// <summary>A named set of people, used to decide who may use which app.</summary>
public sealed class Group : IPosixNumbered
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The name upper-cased, so uniqueness ignores case in the database itself.</summary>
    public string NormalizedName { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The group's POSIX gidNumber (<see cref="IPosixNumbered"/>).</summary>
    public int GidNumber { get; set; }

    int IPosixNumbered.PosixNumber { get => GidNumber; set => GidNumber = value; }
}

public sealed class GroupMember
{
    public Guid GroupId { get; set; }
    public Guid UserId { get; set; }
    public DateTime AddedAt { get; set; }
}
