namespace Roster.Ldap;

// The rootDSE (RFC 4512 5.1) and the subschema subentry it points to (4.2): what a client reads before binding to
// learn the naming context, the protocol version, and the controls and extended operations it may use.
internal static class RootDse
{
    public static readonly DistinguishedName SubschemaDn = DistinguishedName.Parse("cn=Subschema");

    public static DirectoryEntry Create(LdapServerOptions options, DirectoryTree tree)
    {
        List<string> extensions = [Extended.WhoAmIOid];
        if (options.Certificate is not null)
        {
            // StartTLS is advertised only when it can succeed (RFC 4511 4.14).
            extensions.Add(Extended.StartTlsOid);
        }
        var attributes = new List<EntryAttribute>
        {
            // rootDSE attributes other than objectClass are operational: clients ask for them by name or with "+".
            new(Schema.ObjectClass, "top", "extensibleObject"),
            new(Schema.NamingContexts, tree.Base.ToString()),
            new(Schema.SubschemaSubentry, SubschemaDn.ToString()),
            new(Schema.SupportedLdapVersion, "3"),
            new(Schema.SupportedControl, Paging.Oid),
            new(Schema.SupportedExtension, extensions),
            // RFC 3673 all operational attributes ("+"), RFC 4526 absolute true and false filters.
            new(Schema.SupportedFeatures, "1.3.6.1.4.1.4203.1.5.1", "1.3.6.1.4.1.4203.1.5.3"),
            new(Schema.VendorName, "Roster"),
        };
        if (!string.IsNullOrEmpty(options.VendorVersion))
        {
            attributes.Add(new(Schema.VendorVersion, options.VendorVersion));
        }
        return new DirectoryEntry(DistinguishedName.Root, attributes);
    }

    public static DirectoryEntry CreateSubschema() => new(
        SubschemaDn,
        new EntryAttribute(Schema.ObjectClass, "top", "subentry", "subschema"),
        new EntryAttribute(Schema.Cn, "Subschema"),
        new EntryAttribute(Schema.AttributeTypes, Schema.All.Select(t => t.Describe())),
        new EntryAttribute(Schema.ObjectClasses, Schema.ObjectClassDescriptions));
}
