namespace Roster.Groups;

/// <summary>
/// The mail addresses that deliver to a group: its shared mailboxes and the lists it is on. Deleting the group would
/// silently stop that mail, so it is refused. The mail directory answers.
/// </summary>
public interface IGroupMailUses
{
    Task<IReadOnlyList<string>> AddressesAsync(Guid groupId, CancellationToken cancellationToken);
}
