namespace Roster.Accounts;

/// <summary>
/// Groups as the two-factor policy needs them: it may require two-factor of a group's members. The Groups
/// feature answers, so accounts need not know how groups are kept.
/// </summary>
public interface IPolicyGroups
{
    /// <summary>Every group, ordered by name, to choose from.</summary>
    Task<IReadOnlyList<(Guid Id, string Name)>> AllAsync(CancellationToken cancellationToken);

    /// <summary>The names of those of <paramref name="ids"/> that exist.</summary>
    Task<IReadOnlyList<string>> NamesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    Task<bool> AnyHasMemberAsync(IReadOnlyCollection<Guid> ids, Guid userId, CancellationToken cancellationToken);
}
