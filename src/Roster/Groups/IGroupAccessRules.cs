namespace Roster.Groups;

/// <summary>
/// The apps whose access rule names a group: deleting such a group would silently change who may use them,
/// so it is refused. The Apps feature answers.
/// </summary>
public interface IGroupAccessRules
{
    Task<IReadOnlyList<string>> AppNamesAsync(Guid groupId, CancellationToken cancellationToken);
}
