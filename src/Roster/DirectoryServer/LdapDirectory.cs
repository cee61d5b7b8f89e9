using System.Net;
using System.Runtime.CompilerServices;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;
using Roster.Ldap;

namespace Roster.DirectoryServer;

/// <summary>
/// A person bound with their own password, a temporary one or an app password: they see every listed person and
/// group. <paramref name="ViaAppId"/> is the app whose service account opened the connection, if one did.
/// </summary>
public sealed record PersonIdentity(DistinguishedName Dn, Guid UserId, Guid? ViaAppId = null) : BoundIdentity(Dn);

/// <summary>An app's service account: it sees the people allowed to use the app.</summary>
public sealed record ServiceIdentity(DistinguishedName Dn, Guid AppId) : BoundIdentity(Dn);

/// <summary>
/// Roster's people and groups for the LDAP server. Binds go through the one password check
/// (<see cref="PasswordSignIn"/>: lockout, disabled accounts, temporary and app passwords, audit) behind a limit
/// per client address and bind name (<see cref="BindThrottle"/>); searches are served from the <see cref="DirectoryImage"/>.
/// </summary>
public sealed class LdapDirectory(IServiceScopeFactory scopes, DirectoryChanges changes, BindThrottle throttle, DirectoryTree tree) : IDirectory
{
    private readonly SemaphoreSlim applying = new(1, 1);
    private DirectoryImage? image;
    private long applied;

    public async ValueTask<BindOutcome> BindAsync(DistinguishedName name, string password, BoundIdentity? earlier, IPEndPoint client, CancellationToken cancellationToken)
    {
        if (throttle.IsBlocked(client.Address, name))
            return BindOutcome.Failure(ResultCode.UnwillingToPerform, "Too many failed binds from your address; wait a minute.");
        var bind = new DirectoryBind(client.Address.ToString(), OpenedBy(earlier));
        var outcome = tree.TryGetUsername(name, out var username) ? await BindPersonAsync(username, password, bind, cancellationToken)
            : tree.TryGetMailAddress(name, out var address) ? await BindMailboxAsync(address, password, bind, cancellationToken)
            : await BindServiceAsync(name, password, cancellationToken);
        if (outcome.Identity is null)
            throttle.RecordFailure(client.Address, name);
        return outcome;
    }

    /// <summary>
    /// The app whose service account opened the connection: the client proved it holds that app's secret, so binds
    /// on it are the app's, however many people it then binds as (a mail server checks one person after another).
    /// </summary>
    private static Guid? OpenedBy(BoundIdentity? earlier) => earlier switch
    {
        ServiceIdentity service => service.AppId,
        PersonIdentity person => person.ViaAppId,
        _ => null,
    };

    public async IAsyncEnumerable<DirectoryEntry> SearchAsync(BoundIdentity who, DirectoryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
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
            foreach (var entry in query.Username is null && query.TryGetEquality(Schema.UidNumber, out var uidNumber)
                         ? view.PersonNumbered(uidNumber) is { } numbered ? [numbered] : []
                         : Candidates(view.Person, view.People, query.Username, query, Schema.Uid))
                yield return entry;
        if (query.Groups)
            foreach (var entry in Candidates(view.Group, view.Groups, query.GroupName, query, Schema.Cn))
                yield return entry;
        if (query.Mail)
            foreach (var entry in view.Mail(query))
                yield return entry;
    }

    /// <summary>One entry when the base or the filter names it, otherwise all; the protocol applies scope and filter exactly.</summary>
    private static IEnumerable<DirectoryEntry> Candidates(Func<string, DirectoryEntry?> find, Func<IEnumerable<DirectoryEntry>> all, string? named, DirectoryQuery query, AttributeType key)
    {
        if (named is not null || query.TryGetEquality(key, out named))
            return find(named) is { } entry ? [entry] : [];
        return all();
    }

    private async Task<BindOutcome> BindPersonAsync(string username, string password, DirectoryBind bind, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<PasswordSignIn>().CheckBindAsync(username, password, bind, cancellationToken);
        // By username only: uid=<an email address> names no one, even if the address is someone's.
        return outcome is { Status: SignInStatus.Succeeded, User: { } user } && string.Equals(user.UserName, username, StringComparison.OrdinalIgnoreCase)
            ? BindOutcome.Success(new PersonIdentity(tree.UserDn(user.UserName!), user.Id, bind.ViaAppId))
            : BindOutcome.InvalidCredentials;
    }

    /// <summary>
    /// mail=&lt;address&gt;,ou=mail: a mail server that found the mailbox binds as it, with its person's password (or an
    /// app password). The same check as binding as the person; a shared, disabled or unknown mailbox fails alike.
    /// </summary>
    private async Task<BindOutcome> BindMailboxAsync(string address, string password, DirectoryBind bind, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        // An address is never a username (no @ in those), so an unknown mailbox costs the same password check as a
        // known one and fails as an unknown name: how long a bind takes tells nothing of which addresses exist.
        return await BindPersonAsync(current.MailboxOwner(address)?.Username ?? address, password, bind, cancellationToken);
    }

    private async Task<BindOutcome> BindServiceAsync(DistinguishedName name, string password, CancellationToken cancellationToken)
    {
        if (!IsServiceAccountName(name, out var clientId))
            return BindOutcome.InvalidCredentials;
        var current = await CurrentAsync(cancellationToken);
        return current.ServiceAccount(clientId) is { } account && AppSignOn.SecretMatches(account.PasswordHash, password)
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

    /// <summary>Applies what has changed since the last search, if the directory has been read at all (else the first search reads it).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (image is not null)
            await CurrentAsync(cancellationToken);
    }

    /// <summary>
    /// The image with every change received so far applied. <see cref="DirectoryChanges.Version"/> counts the
    /// changes received; one caller at a time takes and applies them, and others wait for it.
    /// </summary>
    private async ValueTask<DirectoryImage> CurrentAsync(CancellationToken cancellationToken)
    {
        var wanted = changes.Version;
        if (image is { } current && Interlocked.Read(ref applied) >= wanted)
            return current;
        await applying.WaitAsync(cancellationToken);
        try
        {
            if (image is { } caughtUp && Interlocked.Read(ref applied) >= wanted)
                return caughtUp;
            var received = changes.Version;
            var change = changes.Take();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RosterDb>();
            var access = scope.ServiceProvider.GetRequiredService<AppAccessPolicy>();
            try
            {
                if (image is null || change.Everything)
                    image = await DirectoryImage.LoadAsync(db, access, tree, scope.ServiceProvider.GetRequiredService<PosixAttributes>(), cancellationToken);
                else if (!change.IsEmpty)
                    await image.ApplyAsync(change, db, access, cancellationToken);
            }
            catch
            {
                // Nothing of the change was applied, or part of it: read everything again next time.
                changes.Received(DirectoryChange.All);
                throw;
            }
            Interlocked.Exchange(ref applied, received);
            return image;
        }
        finally
        {
            applying.Release();
        }
    }
}
