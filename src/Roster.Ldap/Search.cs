namespace Roster.Ldap;

// Search (RFC 4511 4.5). The protocol owns the tree's fixed entries (rootDSE, subschema, base, ou=people,
// ou=groups) and asks the host only for users and groups; it then applies scope, filter, attribute selection and
// size limit itself, so the host may return more candidates than match but never fewer.
internal sealed partial class LdapConnection
{
    private async ValueTask SearchAsync(int id, SearchRequest request, ValueArray<Control> controls, CancellationToken cancellationToken)
    {
        PageRequest? page = null;
        foreach (var control in controls)
        {
            if (control.ControlType == Paging.Oid)
            {
                if (!Paging.TryParseRequest(control.ControlValue, out var parsed))
                {
                    SendDone(id, LdapResult.Error(ResultCode.ProtocolError, "Malformed paged results control (RFC 2696)."), null);
                    return;
                }
                page = parsed;
            }
        }
        if (ParseBase(request.BaseObject) is not { } baseDn)
        {
            SendDone(id, LdapResult.Error(ResultCode.InvalidDNSyntax, "The search base is not a distinguished name."), page);
            return;
        }
        var selection = AttributeSelection.From(request.Attributes);
        if (baseDn.IsRoot && request.Scope == SearchScope.BaseObject)
        {
            // The rootDSE is readable before any bind, so clients can discover the server (RFC 4512 5.1).
            if (request.Filter.Evaluate(_server.RootDse) == FilterResult.True)
            {
                WriteEntry(id, _server.RootDse, selection, request.TypesOnly);
            }
            SendDone(id, LdapResult.Success, page);
            return;
        }
        if (Reader is not { } who)
        {
            SendDone(id, LdapResult.Error(ResultCode.InsufficientAccessRights, "Bind first: only the rootDSE can be read before a bind."), page);
            return;
        }
        if (page is { Cookie.IsEmpty: false } next)
        {
            ContinuePagedSearch(id, request, baseDn, next, selection);
            return;
        }
        if (page is { Size: 0 })
        {
            // Size 0 with no cookie asks for nothing (RFC 2696 3).
            SendDone(id, LdapResult.Success, page);
            return;
        }

        var scope = new ScopeCheck(baseDn, request.Scope);
        var tree = _server.Tree;
        DirectoryEntry[] fixedEntries;
        DirectoryQuery? query = null;
        if (baseDn.Equals(RootDse.SubschemaDn))
        {
            fixedEntries = [_server.Subschema];
        }
        else if (!baseDn.IsWithin(tree.Base))
        {
            SendDone(id, LdapResult.Error(ResultCode.NoSuchObject, "The search base is not in this directory."), page);
            return;
        }
        else if (Locate(baseDn) is { } missing)
        {
            SendDone(id, missing, page);
            return;
        }
        else
        {
            fixedEntries = tree.FixedEntries;
            var people = scope.ReachesChildrenOf(tree.People);
            var groups = scope.ReachesChildrenOf(tree.Groups);
            var mail = scope.ReachesChildrenOf(tree.Mail);
            if (people || groups || mail)
            {
                tree.TryGetUsername(baseDn, out var username);
                tree.TryGetGroupName(baseDn, out var groupName);
                tree.TryGetMailName(baseDn, out var mailName);
                query = new DirectoryQuery(people, groups, baseDn, request.Scope, request.Filter,
                    username.Length > 0 ? username : null, groupName.Length > 0 ? groupName : null, mail, mailName.Length > 0 ? mailName : null);
            }
        }

        // A limit of 0 means none; the smaller of the client's and the server's wins (4.5.1.4). A paged search applies
        // the server's limit to each page and the client's to the whole result.
        var serverLimit = Options.SizeLimit;
        var limit = page is null ? Smaller(request.SizeLimit, serverLimit) : request.SizeLimit;
        List<DirectoryEntry>? collected = page is null ? null : [];
        var sent = 0;
        var exceeded = false;
        // A base naming a user, group or mail entry exists only if the host returns it.
        var baseFound = query is null || (query.Username is null && query.GroupName is null && query.MailName is null);

        bool Accept(DirectoryEntry entry)
        {
            if (!scope.Includes(entry.Dn) || request.Filter.Evaluate(entry) != FilterResult.True)
            {
                return true;
            }
            var count = collected?.Count ?? sent;
            if (limit > 0 && count == limit)
            {
                exceeded = true;
                return false;
            }
            if (collected is not null)
            {
                collected.Add(entry);
            }
            else
            {
                WriteEntry(id, entry, selection, request.TypesOnly);
                sent++;
            }
            return true;
        }

        var going = true;
        foreach (var entry in fixedEntries)
        {
            if (!(going = Accept(entry)))
            {
                break;
            }
        }
        if (going && query is not null)
        {
            await foreach (var entry in _server.Directory.SearchAsync(who, query, cancellationToken).WithCancellation(cancellationToken))
            {
                if (!baseFound && entry.Dn.Equals(baseDn))
                {
                    baseFound = true;
                }
                // An abandoned search stops even if the host does not watch the token.
                cancellationToken.ThrowIfCancellationRequested();
                if (!Accept(entry))
                {
                    break;
                }
                await FlushIfLargeAsync(cancellationToken);
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!baseFound)
        {
            // Naming the parent, never the missing entry: whether a hidden user exists stays hidden.
            SendDone(id, LdapResult.Error(ResultCode.NoSuchObject, "No such entry.", tree.ParentOf(baseDn).ToString()), page);
            return;
        }
        if (collected is not null)
        {
            StartPagedSearch(id, request, baseDn, page!, collected, exceeded, selection);
            return;
        }
        SendDone(id, exceeded ? LdapResult.Error(ResultCode.SizeLimitExceeded, $"Size limit of {limit} entries exceeded.") : LdapResult.Success, null);
    }

    // Clients search the same base over and over on one connection; its parse is kept.
    private (string Text, DistinguishedName Dn)? _lastBase;

    private DistinguishedName? ParseBase(string text)
    {
        if (_lastBase is { } last && string.Equals(last.Text, text, StringComparison.Ordinal))
        {
            return last.Dn;
        }
        if (!DistinguishedName.TryParse(text, out var dn))
        {
            return null;
        }
        _lastBase = (text, dn);
        return dn;
    }

    private static int Smaller(int a, int b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);

    // Null when baseDn (within the base) exists or may exist (a user or group: only the host knows), else the
    // noSuchObject result naming the deepest fixed entry above it.
    private LdapResult? Locate(DistinguishedName baseDn)
    {
        var tree = _server.Tree;
        if (baseDn.Equals(tree.Base) || baseDn.Equals(tree.People) || baseDn.Equals(tree.Groups) || baseDn.Equals(tree.Mail) || tree.MayBeHostEntry(baseDn))
        {
            return null;
        }
        return LdapResult.Error(ResultCode.NoSuchObject, "No such entry.", tree.ParentOf(baseDn).ToString());
    }

    private void WriteEntry(int id, DirectoryEntry entry, in AttributeSelection selection, bool typesOnly)
    {
        try
        {
            LdapCodec.WriteSearchEntry(_writer, id, entry, selection, typesOnly);
            Commit();
        }
        finally
        {
            _writer.Reset();
        }
    }

    private void SendDone(int id, LdapResult result, PageRequest? page, ValueArray<byte> cookie = default, int total = 0) =>
        Send(id, new SearchResultDone(result), page is null ? default : [Paging.Response(total, cookie)]);
}

// Which entries a scope covers (RFC 4511 4.5.1.2).
internal readonly record struct ScopeCheck(DistinguishedName Base, SearchScope Scope)
{
    public bool Includes(DistinguishedName dn) => Scope switch
    {
        SearchScope.BaseObject => dn.Equals(Base),
        SearchScope.SingleLevel => dn.IsChildOf(Base),
        _ => dn.IsWithin(Base),
    };

    // Whether any child of `container` can be in scope, which decides if the host is asked for that subtree.
    public bool ReachesChildrenOf(DistinguishedName container) => Scope switch
    {
        SearchScope.BaseObject => Base.IsChildOf(container),
        SearchScope.SingleLevel => Base.Equals(container),
        _ => container.IsWithin(Base) || Base.IsChildOf(container),
    };
}

// The requested attribute list (4.5.1.8): none or "*" for all user attributes, "+" for all operational ones (RFC
// 3673), "1.1" alone for none, names (or OIDs) for those; unrecognized names are ignored.
internal readonly struct AttributeSelection
{
    private readonly AttributeType[]? _named;
    private readonly bool _allUser;
    private readonly bool _allOperational;

    private AttributeSelection(AttributeType[]? named, bool allUser, bool allOperational)
    {
        _named = named;
        _allUser = allUser;
        _allOperational = allOperational;
    }

    public static AttributeSelection From(ValueArray<string> requested)
    {
        if (requested.IsEmpty)
        {
            return new(null, allUser: true, allOperational: false);
        }
        bool allUser = false, allOperational = false;
        AttributeType[]? named = null;
        var count = 0;
        foreach (var description in requested)
        {
            if (description == "*")
            {
                allUser = true;
            }
            else if (description == "+")
            {
                allOperational = true;
            }
            else if (Schema.Find(description) is { } type)
            {
                named ??= new AttributeType[requested.Count];
                named[count++] = type;
            }
        }
        // "1.1" names no attribute, so it selects nothing on its own and is ignored beside others.
        return new(named is null ? null : named[..count], allUser, allOperational);
    }

    public bool Includes(AttributeType type)
    {
        if (type.IsOperational ? _allOperational : _allUser)
        {
            return true;
        }
        if (_named is not null)
        {
            foreach (var named in _named)
            {
                if (ReferenceEquals(named, type))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
