using System.Net;
using System.Runtime.CompilerServices;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>A person bound with their own password (or a temporary one): they see every listed person and group.</summary>
public sealed record PersonIdentity(DistinguishedName Dn, Guid UserId) : BoundIdentity(Dn);

/// <summary>An app's service account: it sees the people allowed to use the app.</summary>
public sealed record ServiceIdentity(DistinguishedName Dn, Guid AppId) : BoundIdentity(Dn);

/// <summary>
/// Roster's people and groups for the LDAP server. Binds go through the one password check
/// (<see cref="PasswordSignIn"/>: lockout, disabled accounts, temporary passwords, audit) behind the
/// same per-address limit as API tokens; searches are served from the <see cref="DirectorySnapshot"/>.
/// </summary>
public sealed class LdapDirectory(IServiceScopeFactory scopes, DirectoryChanges changes, FailedTokenAttempts throttle, DirectoryTree tree) : IDirectory
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private DirectorySnapshot? snapshot;

    public async ValueTask<BindOutcome> BindAsync(DistinguishedName name, string password, IPEndPoint client, CancellationToken cancellationToken)
    {
        var address = client.Address.ToString();
        if (throttle.IsBlocked(address))
            return BindOutcome.Failure(ResultCode.UnwillingToPerform, "Too many failed binds from your address; wait a minute.");
        var outcome = tree.TryGetUsername(name, out var username)
            ? await BindPersonAsync(name, username, password, cancellationToken)
            : await BindServiceAsync(name, password, cancellationToken);
        if (outcome.Identity is null)
            throttle.Record(address);
        return outcome;
    }

    public async IAsyncEnumerable<DirectoryEntry> SearchAsync(BoundIdentity who, DirectoryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var current = await SnapshotAsync(cancellationToken);
        var view = who switch
        {
            PersonIdentity => current.Everyone,
            ServiceIdentity service => current.ForApp(service.AppId),
            // Asked only when Roster__Ldap__AllowAnonymous is on: the operator chose to publish the directory.
            { IsAnonymous: true } => current.Everyone,
            _ => null,
        };
        if (view is null)
            yield break;
        if (query.People)
            foreach (var entry in Candidates(view.People, query.Username, query, Schema.Uid))
                yield return entry;
        if (query.Groups)
            foreach (var entry in Candidates(view.Groups, query.GroupName, query, Schema.Cn))
                yield return entry;
    }

    /// <summary>One entry when the base or the filter names it, otherwise all; the protocol applies scope and filter exactly.</summary>
    private static IEnumerable<DirectoryEntry> Candidates(IReadOnlyDictionary<string, DirectoryEntry> entries, string? named, DirectoryQuery query, AttributeType key)
    {
        if (named is not null || query.TryGetEquality(key, out named))
            return entries.TryGetValue(named, out var entry) ? [entry] : [];
        return entries.Values;
    }

    private async Task<BindOutcome> BindPersonAsync(DistinguishedName name, string username, string password, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<PasswordSignIn>().CheckAsync(username, password, cancellationToken);
        // By username only: uid=<an email address> names no one, even if the address is someone's.
        return outcome is { Status: SignInStatus.Succeeded, User: { } user } && string.Equals(user.UserName, username, StringComparison.OrdinalIgnoreCase)
            ? BindOutcome.Success(new PersonIdentity(tree.UserDn(user.UserName!), user.Id))
            : BindOutcome.InvalidCredentials;
    }

    private async Task<BindOutcome> BindServiceAsync(DistinguishedName name, string password, CancellationToken cancellationToken)
    {
        if (!IsServiceAccountName(name, out var clientId))
            return BindOutcome.InvalidCredentials;
        var current = await SnapshotAsync(cancellationToken);
        return current.ServiceAccounts.TryGetValue(clientId, out var account) && AppSignOn.SecretMatches(account.PasswordHash, password)
            ? BindOutcome.Success(new ServiceIdentity(name, account.AppId))
            : BindOutcome.InvalidCredentials;
    }

    /// <summary><c>cn=&lt;client id&gt;,ou=apps,&lt;base&gt;</c>.</summary>
    private bool IsServiceAccountName(DistinguishedName name, out string clientId)
    {
        clientId = "";
        if (!name.IsChildOf(tree.Base.Child("ou", "apps")) || name.Rdns[0].Avas.Count != 1 || Schema.Find(name.Rdns[0].Avas[0].Type) != Schema.Cn)
            return false;
        clientId = name.Rdns[0].Avas[0].Value;
        return true;
    }

    private async ValueTask<DirectorySnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var version = changes.Version;
        if (snapshot is { } current && current.Version == version)
            return current;
        await loading.WaitAsync(cancellationToken);
        try
        {
            version = changes.Version;
            if (snapshot is { } loaded && loaded.Version == version)
                return loaded;
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            return snapshot = await DirectorySnapshot.LoadAsync(services.GetRequiredService<RosterDb>(), services.GetRequiredService<AppAccessPolicy>(), tree,
                services.GetRequiredService<PosixAttributes>(), version, cancellationToken);
        }
        finally
        {
            loading.Release();
        }
    }
}
