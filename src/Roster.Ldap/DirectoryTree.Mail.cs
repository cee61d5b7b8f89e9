namespace Roster.Ldap;

// ou=mail: what a mail server reads (PRODUCT.md section 10). Everything is named by cn: mailboxes and lists by their
// address (cn=alice@example.org), domains by their name (cn=example.org); addresses are unique across mailboxes and
// lists and hold an @ that names of domains, people and groups never do, so one organizational unit holds them all.
// Mail entries carry neither mail nor uid: an app that looks a person up from the base by (mail=…) or (uid=…) must
// still find exactly one entry, the person's.
public sealed partial class DirectoryTree
{
    public DistinguishedName Mail { get; }

    public DistinguishedName MailboxDn(string address) => Mail.Child("cn", address);

    public DistinguishedName MailDomainDn(string name) => Mail.Child("cn", name);

    // The cn of cn=<address or domain>,ou=mail,<base>; false for any other DN.
    public bool TryGetMailName(DistinguishedName dn, out string name) => TryGetName(dn, Mail, Schema.Cn, out name);

    // The address of cn=<address>,ou=mail,<base> (a mailbox or a list); false for any other DN.
    public bool TryGetMailAddress(DistinguishedName dn, out string address) => TryGetMailName(dn, out address) && address.Contains('@');

    public DirectoryEntry MailDomain(Guid id, string name, DateTimeOffset created)
    {
        var attributes = new List<EntryAttribute>(7)
        {
            new(Schema.ObjectClass, "top", "rosterMailDomain", "domainRelatedObject"),
            new(Schema.Cn, name),
            new(Schema.AssociatedDomain, name),
        };
        AddOperational(attributes, id, created, created);
        return new DirectoryEntry(MailDomainDn(name), attributes);
    }

    // A mailbox: mailLocalAddress lists every address that delivers to it (its own first, then its aliases) and
    // mailRoutingAddress the one mail to them is delivered as; owner names its person or group. A mail server binds
    // as a person's mailbox with the person's password.
    public DirectoryEntry Mailbox(
        Guid id,
        string address,
        IEnumerable<string> aliases,
        string? ownerUsername,
        string? ownerGroup,
        DateTimeOffset created,
        DateTimeOffset modified)
    {
        var attributes = new List<EntryAttribute>(9)
        {
            new(Schema.ObjectClass, "top", "rosterMailbox", "inetLocalMailRecipient"),
            new(Schema.Cn, address),
            new(Schema.MailLocalAddress, aliases.Prepend(address)),
            new(Schema.MailRoutingAddress, address),
        };
        if (ownerUsername is not null)
        {
            attributes.Add(new(Schema.Owner, UserDn(ownerUsername).ToString()));
        }
        else if (ownerGroup is not null)
        {
            attributes.Add(new(Schema.Owner, GroupDn(ownerGroup).ToString()));
        }
        AddOperational(attributes, id, created, modified);
        return new DirectoryEntry(MailboxDn(address), attributes);
    }

    // A mailing list: its members already expanded to the addresses mail to it goes to, groups included, so a mail
    // server's alias lookup gets the whole list in one answer.
    public DirectoryEntry MailingList(
        Guid id,
        string address,
        string? description,
        IEnumerable<string> memberAddresses,
        bool membersOnly,
        DateTimeOffset created,
        DateTimeOffset modified)
    {
        var attributes = new List<EntryAttribute>(10)
        {
            new(Schema.ObjectClass, "top", "nisMailAlias", "rosterMailingList"),
            new(Schema.Cn, address),
            new(Schema.RosterMembersOnly, membersOnly ? "TRUE" : "FALSE"),
        };
        var members = memberAddresses.ToArray();
        if (members.Length > 0)
        {
            attributes.Add(new(Schema.Rfc822MailMember, members));
        }
        if (!string.IsNullOrWhiteSpace(description))
        {
            attributes.Add(new(Schema.Description, description));
        }
        AddOperational(attributes, id, created, modified);
        return new DirectoryEntry(MailboxDn(address), attributes);
    }
}
