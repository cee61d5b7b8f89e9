using System.Net;

namespace Roster.Ldap;

// What the LDAP server needs from the host: checking a simple bind and listing the users and groups a bound
// identity may see. The protocol does the rest (the tree's fixed entries, scope, filters, attribute selection,
// limits, paging), so the host never needs to understand LDAP filters to be correct.
public interface IDirectory
{
    // Simple bind of `name` (already parsed) with a non-empty password. The host checks people's passwords and
    // temporary (impersonation) passwords, apps' service accounts, disabled accounts, rate limits and lockout, and
    // answers invalidCredentials whether or not the name exists, so a bind never reveals which names do.
    // `earlier` is the identity of the last bind that succeeded on this connection, kept through failed binds
    // (null before the first): a host may honour a credential only on a connection a particular identity opened,
    // such as a person's password limited to one app, good only where that app's service account bound first.
    ValueTask<BindOutcome> BindAsync(DistinguishedName name, string password, BoundIdentity? earlier, IPEndPoint client, CancellationToken cancellationToken);

    // Candidate users and/or groups for a search by `who`. The host MAY return more entries than match: the
    // protocol re-applies the scope and the filter exactly, so the filter may serve only as an index hint
    // (DirectoryQuery.TryGetEquality). It MUST NOT return entries `who` may not see: disabled people, and for an
    // app's service account anyone not allowed to use that app. BoundIdentity.Anonymous is asked only when the
    // server allows anonymous searches, and the host decides what it sees.
    IAsyncEnumerable<DirectoryEntry> SearchAsync(BoundIdentity who, DirectoryQuery query, CancellationToken cancellationToken);
}

// Who a connection is bound as. The host may derive its own record to carry what it needs later in SearchAsync
// (a user id, the app of a service account) without looking the DN up again.
public record BoundIdentity(DistinguishedName Dn)
{
    public static BoundIdentity Anonymous { get; } = new(DistinguishedName.Root);

    public bool IsAnonymous => Dn.IsRoot;
}

// The answer to a bind: an identity, or an LDAP result code with a message for the client.
public sealed record BindOutcome
{
    private BindOutcome(BoundIdentity? identity, ResultCode resultCode, string message)
    {
        Identity = identity;
        ResultCode = resultCode;
        Message = message;
    }

    public BoundIdentity? Identity { get; }

    public ResultCode ResultCode { get; }

    public string Message { get; }

    public static BindOutcome Success(BoundIdentity identity) => new(identity, ResultCode.Success, "");

    public static BindOutcome Failure(ResultCode resultCode, string message) =>
        resultCode == ResultCode.Success
            ? throw new ArgumentException("A failed bind needs an error code.", nameof(resultCode))
            : new(null, resultCode, message);

    // The usual failure: the same words whether the name is unknown, the password wrong or the account disabled.
    public static BindOutcome InvalidCredentials { get; } = new(null, ResultCode.InvalidCredentials, "Invalid credentials.");
}

// One search as the host sees it: which of the three subtrees (people, groups, mail) can hold results, and the
// request itself. When the base object is a user, a group or a mail entry, Username, GroupName or MailName (the
// address, or a domain's name) names it: nothing else can be a result.
public sealed record DirectoryQuery(
    bool People,
    bool Groups,
    DistinguishedName BaseObject,
    SearchScope Scope,
    Filter Filter,
    string? Username = null,
    string? GroupName = null,
    bool Mail = false,
    string? MailName = null)
{
    // A value every result must have for `type`, when the filter implies one: an equality (or approximate match)
    // at its top or inside a top-level AND. The host can use it to look up one row instead of listing a table;
    // ignoring it is always correct.
    public bool TryGetEquality(AttributeType type, out string value) => TryGetEquality(Filter, type, out value);

    private static bool TryGetEquality(Filter filter, AttributeType type, out string value)
    {
        switch (filter)
        {
            case EqualityFilter equality when Schema.Find(equality.Attribute) == type:
                value = equality.Value;
                return true;
            case ApproxMatchFilter approx when Schema.Find(approx.Attribute) == type:
                value = approx.Value;
                return true;
            case AndFilter and:
                foreach (var operand in and.Filters)
                {
                    if (operand is EqualityFilter or ApproxMatchFilter && TryGetEquality(operand, type, out value))
                    {
                        return true;
                    }
                }
                break;
        }
        value = "";
        return false;
    }
}
