namespace Roster.Apps;

/// <summary>
/// A role an app defines (such as <c>admin</c> or <c>editor</c>), given to groups and people. The app reads a person's
/// roles from the <c>roles</c> claim; being an admin of Roster gives no role in any app.
/// </summary>
public sealed class AppRole
{
    public Guid Id { get; set; }
    public Guid AppId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>Who holds an <see cref="AppRole"/>: a group (each member, as members come and go) or one person; exactly one of the two.</summary>
public sealed class AppRoleHolder
{
    public Guid Id { get; set; }
    public Guid RoleId { get; set; }
    public Guid? GroupId { get; set; }
    public Guid? UserId { get; set; }
}
