namespace Roster.Accounts;

/// <summary>
/// Apps as app passwords need them: a password may be limited to one app that reads Roster's directory over
/// LDAP. The Apps feature answers, with its one access rule, so accounts need not know how apps are kept.
/// </summary>
public interface IAppPasswordApps
{
    /// <summary>The apps <paramref name="user"/> may limit a password to, by name: apps they may use that have an LDAP service account.</summary>
    Task<IReadOnlyList<(Guid Id, string Name)>> ChoicesAsync(User user, CancellationToken cancellationToken);

    /// <summary>Whether the app is still one of those choices; a password limited to it works only while it is.</summary>
    Task<bool> IsChoiceAsync(User user, Guid appId, CancellationToken cancellationToken);

    /// <summary>The names of those of <paramref name="appIds"/> that exist.</summary>
    Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyCollection<Guid> appIds, CancellationToken cancellationToken);
}
