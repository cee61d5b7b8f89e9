using System.Globalization;

namespace Roster.Ldap;

// The fixed shape of the directory: the base entry, ou=people with users named by uid, ou=groups with groups named
// by cn, ou=mail with the mail directory (DirectoryTree.Mail.cs). The protocol synthesizes the base and the
// organizational units; the host builds the entries below them with User(), Group() and the mail builders so that
// their names and attributes always fit this shape.
public sealed partial class DirectoryTree
{
    public DirectoryTree(string baseDn)
        : this(DistinguishedName.Parse(baseDn))
    {
    }

    public DirectoryTree(DistinguishedName baseDn)
    {
        if (baseDn.IsRoot)
        {
            throw new ArgumentException("The base DN must not be empty: the empty DN names the rootDSE.", nameof(baseDn));
        }
        Base = baseDn;
        People = baseDn.Child("ou", "people");
        Groups = baseDn.Child("ou", "groups");
        BaseEntry = CreateBaseEntry(baseDn);
        PeopleEntry = new DirectoryEntry(People, new EntryAttribute(Schema.ObjectClass, "top", "organizationalUnit"), new EntryAttribute(Schema.Ou, "people"));
        GroupsEntry = new DirectoryEntry(Groups, new EntryAttribute(Schema.ObjectClass, "top", "organizationalUnit"), new EntryAttribute(Schema.Ou, "groups"));
        Mail = baseDn.Child("ou", "mail");
        MailEntry = new DirectoryEntry(Mail, new EntryAttribute(Schema.ObjectClass, "top", "organizationalUnit"), new EntryAttribute(Schema.Ou, "mail"));
        FixedEntries = [BaseEntry, PeopleEntry, GroupsEntry, MailEntry];
    }

    public DistinguishedName Base { get; }
    public DistinguishedName People { get; }
    public DistinguishedName Groups { get; }

    internal DirectoryEntry BaseEntry { get; }
    internal DirectoryEntry PeopleEntry { get; }
    internal DirectoryEntry GroupsEntry { get; }
    internal DirectoryEntry MailEntry { get; }

    // The entries the protocol serves itself, in tree order.
    internal DirectoryEntry[] FixedEntries { get; }

    public DistinguishedName UserDn(string username) => People.Child("uid", username);

    public DistinguishedName GroupDn(string name) => Groups.Child("cn", name);

    // The username of uid=<username>,ou=people,<base>; false for any other DN.
    public bool TryGetUsername(DistinguishedName dn, out string username) => TryGetName(dn, People, Schema.Uid, out username);

    // The group name of cn=<name>,ou=groups,<base>; false for any other DN.
    public bool TryGetGroupName(DistinguishedName dn, out string name) => TryGetName(dn, Groups, Schema.Cn, out name);

    // Whether dn names an entry below ou=people, ou=groups or ou=mail that only the host can say exists.
    internal bool MayBeHostEntry(DistinguishedName dn) =>
        TryGetUsername(dn, out _) || TryGetGroupName(dn, out _) || TryGetMailName(dn, out _);

    // The organizational unit holding what dn names, for noSuchObject's matchedDN.
    internal DistinguishedName ParentOf(DistinguishedName dn) =>
        dn.IsWithin(People) ? People : dn.IsWithin(Groups) ? Groups : dn.IsWithin(Mail) ? Mail : Base;

    private static bool TryGetName(DistinguishedName dn, DistinguishedName parent, AttributeType type, out string name)
    {
        name = "";
        if (!dn.IsChildOf(parent) || dn.Rdns[0].Avas.Count != 1 || Schema.Find(dn.Rdns[0].Avas[0].Type) != type)
        {
            return false;
        }
        name = dn.Rdns[0].Avas[0].Value;
        return true;
    }

    // An inetOrgPerson, and with `posix` also a posixAccount (with keys, an ldapPublicKey). person requires sn and cn,
    // so both fall back to what is known: cn to the display name, the given and family names or the username; sn to
    // the family name or cn.
    public DirectoryEntry User(
        Guid id,
        string username,
        string? displayName,
        string? givenName,
        string? surname,
        string? email,
        IEnumerable<string> groupNames,
        DateTimeOffset created,
        DateTimeOffset modified,
        PosixAccount? posix = null)
    {
        var fullName = string.Join(' ', new[] { givenName, surname }.Where(n => !string.IsNullOrWhiteSpace(n)));
        var cn = !string.IsNullOrWhiteSpace(displayName) ? displayName : fullName.Length > 0 ? fullName : username;
        string[] classes = posix is null ? ["top", "person", "organizationalPerson", "inetOrgPerson"]
            : posix.SshPublicKeys.Count == 0 ? ["top", "person", "organizationalPerson", "inetOrgPerson", "posixAccount"]
            : ["top", "person", "organizationalPerson", "inetOrgPerson", "posixAccount", "ldapPublicKey"];
        var attributes = new List<EntryAttribute>(19)
        {
            new(Schema.ObjectClass, classes),
            new(Schema.Uid, username),
            new(Schema.Cn, cn),
            new(Schema.Sn, string.IsNullOrWhiteSpace(surname) ? cn : surname),
        };
        if (!string.IsNullOrWhiteSpace(givenName))
        {
            attributes.Add(new(Schema.GivenName, givenName));
        }
        if (!string.IsNullOrWhiteSpace(displayName))
        {
            attributes.Add(new(Schema.DisplayName, displayName));
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            attributes.Add(new(Schema.Mail, email));
        }
        var memberOf = groupNames.Select(g => GroupDn(g).ToString()).ToArray();
        if (memberOf.Length > 0)
        {
            attributes.Add(new(Schema.MemberOf, memberOf));
        }
        if (posix is not null)
        {
            attributes.Add(new(Schema.UidNumber, posix.UidNumber.ToString(CultureInfo.InvariantCulture)));
            attributes.Add(new(Schema.GidNumber, posix.GidNumber.ToString(CultureInfo.InvariantCulture)));
            attributes.Add(new(Schema.HomeDirectory, posix.HomeDirectory));
            attributes.Add(new(Schema.LoginShell, posix.LoginShell));
            attributes.Add(new(Schema.Gecos, posix.Gecos));
            if (posix.SshPublicKeys.Count > 0)
            {
                attributes.Add(new(Schema.SshPublicKey, posix.SshPublicKeys));
            }
        }
        AddOperational(attributes, id, created, modified);
        return new DirectoryEntry(UserDn(username), attributes);
    }

    // What an empty group lists as its member. groupOfNames and groupOfUniqueNames MUST have member and uniqueMember
    // (RFC 4519 3.5, 3.6), so an empty group names this instead of none: Keycloak writes this very value into
    // directories for empty groups, so the apps and scripts that read such directories already skip it; it is a
    // well-formed DN that every parser takes (the empty DN, the other common choice, breaks naive "first RDN" code and
    // resolves to the rootDSE), it names no entry here, so no person's DN ever equals it and a lookup of it answers
    // noSuchObject, and unlike the group's own DN it cannot make nested-group resolvers see a loop.
    public const string EmptyGroupMember = "cn=empty-membership-placeholder";

    // A group is both a groupOfNames (member) and a groupOfUniqueNames (uniqueMember), since apps ask for either; with
    // a `gidNumber` also a posixGroup, its members by username in memberUid.
    public DirectoryEntry Group(
        Guid id,
        string name,
        string? description,
        IEnumerable<string> memberUsernames,
        DateTimeOffset created,
        DateTimeOffset modified,
        long? gidNumber = null)
    {
        var usernames = memberUsernames.ToArray();
        var members = usernames.Select(u => UserDn(u).ToString()).ToArray();
        string[] classes = gidNumber is null ? ["top", "groupOfNames", "groupOfUniqueNames"] : ["top", "groupOfNames", "groupOfUniqueNames", "posixGroup"];
        var attributes = new List<EntryAttribute>(11)
        {
            new(Schema.ObjectClass, classes),
            new(Schema.Cn, name),
        };
        if (gidNumber is { } gid)
        {
            attributes.Add(new(Schema.GidNumber, gid.ToString(CultureInfo.InvariantCulture)));
            if (usernames.Length > 0)
            {
                attributes.Add(new(Schema.MemberUid, usernames));
            }
        }
        if (!string.IsNullOrWhiteSpace(description))
        {
            attributes.Add(new(Schema.Description, description));
        }
        if (members.Length == 0)
        {
            members = [EmptyGroupMember];
        }
        attributes.Add(new(Schema.Member, members));
        attributes.Add(new(Schema.UniqueMember, members));
        AddOperational(attributes, id, created, modified);
        return new DirectoryEntry(GroupDn(name), attributes);
    }

    private static void AddOperational(List<EntryAttribute> attributes, Guid id, DateTimeOffset created, DateTimeOffset modified)
    {
        attributes.Add(new(Schema.EntryUuid, id.ToString("D")));
        attributes.Add(new(Schema.CreateTimestamp, GeneralizedTime.Format(created)));
        attributes.Add(new(Schema.ModifyTimestamp, GeneralizedTime.Format(modified)));
    }

    // As OpenLDAP's usual suffix entries: dc=example,... is a dcObject organization; o=... an organization.
    private static DirectoryEntry CreateBaseEntry(DistinguishedName baseDn)
    {
        var naming = baseDn.Rdns[0].Avas[0];
        var type = Schema.Find(naming.Type);
        EntryAttribute[] attributes = type == Schema.Dc
            ? [new(Schema.ObjectClass, "top", "dcObject", "organization"), new(Schema.Dc, naming.Value), new(Schema.O, naming.Value)]
            : type == Schema.O
                ? [new(Schema.ObjectClass, "top", "organization"), new(Schema.O, naming.Value)]
                : type == Schema.Ou
                    ? [new(Schema.ObjectClass, "top", "organizationalUnit"), new(Schema.Ou, naming.Value)]
                    : throw new ArgumentException($"The base DN must start with dc=, o= or ou=, not {naming.Type}=.", nameof(baseDn));
        return new DirectoryEntry(baseDn, attributes);
    }
}

// What a Linux host reads of a person (RFC 2307 posixAccount; openssh-lpk's sshPublicKey). The host chooses the
// values: the protocol publishes them as given.
public sealed record PosixAccount(
    long UidNumber,
    long GidNumber,
    string HomeDirectory,
    string LoginShell,
    string Gecos,
    IReadOnlyList<string> SshPublicKeys);
