namespace Roster.Ldap;

// Compare (RFC 4511 4.10): a read of one attribute of one entry, under the same visibility as a search.
internal sealed partial class LdapConnection
{
    private async ValueTask CompareAsync(int id, CompareRequest request, CancellationToken cancellationToken)
    {
        Send(id, new CompareResponse(await CompareResultAsync(request, cancellationToken)));
    }

    private async ValueTask<LdapResult> CompareResultAsync(CompareRequest request, CancellationToken cancellationToken)
    {
        if (!DistinguishedName.TryParse(request.Entry, out var dn))
        {
            return LdapResult.Error(ResultCode.InvalidDNSyntax, "The entry name is not a distinguished name.");
        }
        var (entry, missing) = await FindEntryAsync(dn, cancellationToken);
        if (entry is null)
        {
            return missing!;
        }
        if (Schema.Find(request.AttributeDesc) is not { } type)
        {
            return LdapResult.Error(ResultCode.UndefinedAttributeType, $"Unknown attribute type {request.AttributeDesc}.");
        }
        if (entry.Find(type) is not { } attribute)
        {
            return LdapResult.Error(ResultCode.NoSuchAttribute, $"The entry has no {type.Name}.");
        }
        return Matching.Equal(attribute, request.AssertionValue) switch
        {
            true => new LdapResult(ResultCode.CompareTrue, "", ""),
            false => new LdapResult(ResultCode.CompareFalse, "", ""),
            null => LdapResult.Error(ResultCode.InappropriateMatching, $"{type.Name} cannot be compared with that value."),
        };
    }

    // The entry named `dn` as the bound identity may see it, or the result that says why there is none.
    private async ValueTask<(DirectoryEntry? Entry, LdapResult? Missing)> FindEntryAsync(DistinguishedName dn, CancellationToken cancellationToken)
    {
        if (dn.IsRoot)
        {
            return (_server.RootDse, null);
        }
        if (Reader is not { } who)
        {
            return (null, LdapResult.Error(ResultCode.InsufficientAccessRights, "Bind first: only the rootDSE can be read before a bind."));
        }
        var tree = _server.Tree;
        if (dn.Equals(RootDse.SubschemaDn))
        {
            return (_server.Subschema, null);
        }
        if (!dn.IsWithin(tree.Base))
        {
            return (null, LdapResult.Error(ResultCode.NoSuchObject, "The entry is not in this directory."));
        }
        if (Locate(dn) is { } missing)
        {
            return (null, missing);
        }
        foreach (var fixedEntry in tree.FixedEntries)
        {
            if (fixedEntry.Dn.Equals(dn))
            {
                return (fixedEntry, null);
            }
        }
        var isUser = tree.TryGetUsername(dn, out var username);
        var isGroup = tree.TryGetGroupName(dn, out var groupName);
        var isMail = tree.TryGetMailName(dn, out var mailName);
        var query = new DirectoryQuery(isUser, isGroup, dn, SearchScope.BaseObject, Filter.Everything,
            isUser ? username : null, isGroup ? groupName : null, isMail, isMail ? mailName : null);
        await foreach (var entry in _server.Directory.SearchAsync(who, query, cancellationToken).WithCancellation(cancellationToken))
        {
            if (entry.Dn.Equals(dn))
            {
                return (entry, null);
            }
        }
        return (null, LdapResult.Error(ResultCode.NoSuchObject, "No such entry.", tree.ParentOf(dn).ToString()));
    }
}
