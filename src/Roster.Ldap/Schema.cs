using System.Text;

namespace Roster.Ldap;

// How values of an attribute are compared (RFC 4517 section 4 rules, reduced to what this directory serves).
public enum MatchingRule
{
    None,
    CaseIgnore,        // caseIgnoreMatch/caseIgnoreIA5Match: insignificant spaces dropped, case folded
    DistinguishedName, // distinguishedNameMatch/uniqueMemberMatch: RFC 4514 DNs compared in normalized form
    ObjectIdentifier,  // objectIdentifierMatch: names compare case-insensitively
    Uuid,              // RFC 4530 uuidMatch/uuidOrderingMatch
    GeneralizedTime,   // generalizedTimeMatch/generalizedTimeOrderingMatch
    Integer,           // integerMatch/integerOrderingMatch
}

// RFC 4512 4.1.2 AttributeUsage: user attributes come back for "*", operational ones only for "+" or by name.
public enum AttributeUsage
{
    UserApplications,
    DirectoryOperation,
    DsaOperation,
}

// An attribute type of the fixed schema. Instances are unique, so code compares them by reference.
public sealed class AttributeType
{
    internal AttributeType(
        string oid,
        string[] names,
        string syntax,
        MatchingRule equality,
        MatchingRule ordering = MatchingRule.None,
        bool substrings = false,
        AttributeUsage usage = AttributeUsage.UserApplications,
        bool singleValue = false)
    {
        Oid = oid;
        Names = names;
        Syntax = syntax;
        Equality = equality;
        Ordering = ordering;
        Substrings = substrings;
        Usage = usage;
        SingleValue = singleValue;
    }

    public string Oid { get; }
    public IReadOnlyList<string> Names { get; }
    public string Name => Names[0];
    public string Syntax { get; }
    public MatchingRule Equality { get; }
    public MatchingRule Ordering { get; }
    public bool Substrings { get; }
    public AttributeUsage Usage { get; }
    public bool SingleValue { get; }
    public bool IsOperational => Usage != AttributeUsage.UserApplications;

    public override string ToString() => Name;

    // AttributeTypeDescription (RFC 4512 4.1.2), published in the subschema entry.
    internal string Describe()
    {
        var text = new StringBuilder("( ").Append(Oid).Append(" NAME ");
        if (Names.Count == 1)
        {
            text.Append('\'').Append(Name).Append('\'');
        }
        else
        {
            text.Append("( ").AppendJoin(' ', Names.Select(n => $"'{n}'")).Append(" )");
        }
        if (EqualityName() is { } equality)
        {
            text.Append(" EQUALITY ").Append(equality);
        }
        if (Ordering switch
            {
                MatchingRule.GeneralizedTime => "generalizedTimeOrderingMatch",
                MatchingRule.Uuid => "UUIDOrderingMatch",
                MatchingRule.Integer => "integerOrderingMatch",
                _ => null,
            } is { } ordering)
        {
            text.Append(" ORDERING ").Append(ordering);
        }
        if (Substrings)
        {
            text.Append(" SUBSTR caseIgnoreSubstringsMatch");
        }
        text.Append(" SYNTAX ").Append(Syntax);
        if (SingleValue)
        {
            text.Append(" SINGLE-VALUE");
        }
        if (IsOperational)
        {
            text.Append(" NO-USER-MODIFICATION USAGE ").Append(Usage == AttributeUsage.DsaOperation ? "dSAOperation" : "directoryOperation");
        }
        return text.Append(" )").ToString();
    }

    private string? EqualityName() => Equality switch
    {
        MatchingRule.CaseIgnore => Syntax switch
        {
            Syntaxes.Ia5String => "caseIgnoreIA5Match",
            // TRUE and FALSE: compared ignoring case, as clients send them upper case anyway.
            Syntaxes.Boolean => "booleanMatch",
            _ => "caseIgnoreMatch",
        },
        MatchingRule.DistinguishedName => this == Schema.UniqueMember ? "uniqueMemberMatch" : "distinguishedNameMatch",
        MatchingRule.ObjectIdentifier => "objectIdentifierMatch",
        MatchingRule.Uuid => "UUIDMatch",
        MatchingRule.GeneralizedTime => "generalizedTimeMatch",
        MatchingRule.Integer => "integerMatch",
        _ => null,
    };
}

internal static class Syntaxes
{
    public const string DirectoryString = "1.3.6.1.4.1.1466.115.121.1.15";
    public const string Ia5String = "1.3.6.1.4.1.1466.115.121.1.26";
    public const string DN = "1.3.6.1.4.1.1466.115.121.1.12";
    public const string Oid = "1.3.6.1.4.1.1466.115.121.1.38";
    public const string GeneralizedTime = "1.3.6.1.4.1.1466.115.121.1.24";
    public const string Integer = "1.3.6.1.4.1.1466.115.121.1.27";
    public const string OctetString = "1.3.6.1.4.1.1466.115.121.1.40";
    public const string Uuid = "1.3.6.1.1.16.1";
    public const string Boolean = "1.3.6.1.4.1.1466.115.121.1.7";
    public const string AttributeTypeDescription = "1.3.6.1.4.1.1466.115.121.1.3";
    public const string ObjectClassDescription = "1.3.6.1.4.1.1466.115.121.1.37";
}

// The fixed schema: the attributes of inetOrgPerson (and posixAccount) users, groupOfNames (and posixGroup) groups,
// the tree's structural entries, the rootDSE and the subschema entry. Anything else is unrecognized, which RFC 4511
// 4.5.1.7 makes a filter's Undefined and a requested attribute that is simply absent.
public static class Schema
{
    private static readonly string Ds = Syntaxes.DirectoryString;

    // RFC 4512 / 4519 user attributes.
    public static readonly AttributeType ObjectClass = new("2.5.4.0", ["objectClass"], Syntaxes.Oid, MatchingRule.ObjectIdentifier);
    public static readonly AttributeType Cn = new("2.5.4.3", ["cn", "commonName"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Sn = new("2.5.4.4", ["sn", "surname"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType GivenName = new("2.5.4.42", ["givenName", "gn"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Uid = new("0.9.2342.19200300.100.1.1", ["uid", "userid"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Mail = new("0.9.2342.19200300.100.1.3", ["mail", "rfc822Mailbox"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType DisplayName = new("2.16.840.1.113730.3.1.241", ["displayName"], Ds, MatchingRule.CaseIgnore, substrings: true, singleValue: true);
    public static readonly AttributeType Description = new("2.5.4.13", ["description"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Member = new("2.5.4.31", ["member"], Syntaxes.DN, MatchingRule.DistinguishedName);
    public static readonly AttributeType UniqueMember = new("2.5.4.50", ["uniqueMember"], Syntaxes.DN, MatchingRule.DistinguishedName);
    public static readonly AttributeType Ou = new("2.5.4.11", ["ou", "organizationalUnitName"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType O = new("2.5.4.10", ["o", "organizationName"], Ds, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Dc = new("0.9.2342.19200300.100.1.25", ["dc", "domainComponent"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true, singleValue: true);

    // memberOf is operational in OpenLDAP's overlay, but the apps this directory serves (LLDAP and Cloudron style)
    // expect it among a user's ordinary attributes, so "*" returns it.
    public static readonly AttributeType MemberOf = new("1.2.840.113556.1.2.102", ["memberOf"], Syntaxes.DN, MatchingRule.DistinguishedName);

    // RFC 2307 (rfc2307bis) attributes of posixAccount and posixGroup, for Linux hosts (nslcd, sssd). The RFC gives
    // homeDirectory, loginShell and memberUid case-exact matching; here they match as uid does, ignoring case, since
    // Roster's usernames are unique ignoring case. uidNumber and gidNumber are integers, ordered as rfc2307bis has them.
    public static readonly AttributeType UidNumber = new("1.3.6.1.1.1.1.0", ["uidNumber"], Syntaxes.Integer, MatchingRule.Integer, MatchingRule.Integer, singleValue: true);
    public static readonly AttributeType GidNumber = new("1.3.6.1.1.1.1.1", ["gidNumber"], Syntaxes.Integer, MatchingRule.Integer, MatchingRule.Integer, singleValue: true);
    public static readonly AttributeType Gecos = new("1.3.6.1.1.1.1.2", ["gecos"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true, singleValue: true);
    public static readonly AttributeType HomeDirectory = new("1.3.6.1.1.1.1.3", ["homeDirectory"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, singleValue: true);
    public static readonly AttributeType LoginShell = new("1.3.6.1.1.1.1.4", ["loginShell"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, singleValue: true);
    public static readonly AttributeType MemberUid = new("1.3.6.1.1.1.1.12", ["memberUid"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true);

    // openssh-lpk's key attribute, what sshd's AuthorizedKeysCommand and sssd read. Its octetStringMatch is not
    // served, so an equality filter on it is Undefined; presence (sshPublicKey=*) works.
    public static readonly AttributeType SshPublicKey = new("1.3.6.1.4.1.24552.500.1.1.1.13", ["sshPublicKey"], Syntaxes.OctetString, MatchingRule.None);

    // The mail directory (ou=mail): domains, mailboxes and mailing lists, in the attributes mail servers already read.
    // associatedDomain (RFC 4524), owner (RFC 4519), mailLocalAddress and mailRoutingAddress (inetLocalMailRecipient,
    // draft-lachman-laser-ldap-mail-routing), rfc822MailMember (nisMailAlias, as OpenLDAP's misc.schema has it), and
    // Roster's own flag for lists only members may post to, under Roster's UUID-derived arc (X.667: 2.25.<uuid>).
    public const string RosterArc = "2.25.121061515722587959308677884857946786145";
    public static readonly AttributeType AssociatedDomain = new("0.9.2342.19200300.100.1.37", ["associatedDomain"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType Owner = new("2.5.4.32", ["owner"], Syntaxes.DN, MatchingRule.DistinguishedName);
    public static readonly AttributeType MailLocalAddress = new("2.16.840.1.113730.3.1.13", ["mailLocalAddress"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, substrings: true);
    public static readonly AttributeType MailRoutingAddress = new("2.16.840.1.113730.3.1.47", ["mailRoutingAddress"], Syntaxes.Ia5String, MatchingRule.CaseIgnore, singleValue: true);
    public static readonly AttributeType Rfc822MailMember = new("1.3.6.1.4.1.42.2.27.2.1.15", ["rfc822MailMember"], Syntaxes.Ia5String, MatchingRule.CaseIgnore);
    public static readonly AttributeType RosterMembersOnly = new(RosterArc + ".1.1", ["rosterMembersOnly"], Syntaxes.Boolean, MatchingRule.CaseIgnore, singleValue: true);

    // Operational attributes of every entry (RFC 4530, RFC 4512 3.4).
    public static readonly AttributeType EntryUuid = new("1.3.6.1.1.16.4", ["entryUUID"], Syntaxes.Uuid, MatchingRule.Uuid, MatchingRule.Uuid, usage: AttributeUsage.DirectoryOperation, singleValue: true);
    public static readonly AttributeType CreateTimestamp = new("2.5.18.1", ["createTimestamp"], Syntaxes.GeneralizedTime, MatchingRule.GeneralizedTime, MatchingRule.GeneralizedTime, usage: AttributeUsage.DirectoryOperation, singleValue: true);
    public static readonly AttributeType ModifyTimestamp = new("2.5.18.2", ["modifyTimestamp"], Syntaxes.GeneralizedTime, MatchingRule.GeneralizedTime, MatchingRule.GeneralizedTime, usage: AttributeUsage.DirectoryOperation, singleValue: true);
    public static readonly AttributeType SubschemaSubentry = new("2.5.18.10", ["subschemaSubentry"], Syntaxes.DN, MatchingRule.DistinguishedName, usage: AttributeUsage.DirectoryOperation, singleValue: true);

    // rootDSE (RFC 4512 5.1, RFC 3045 vendor information, RFC 3674 features).
    public static readonly AttributeType NamingContexts = new("1.3.6.1.4.1.1466.101.120.5", ["namingContexts"], Syntaxes.DN, MatchingRule.DistinguishedName, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType SupportedExtension = new("1.3.6.1.4.1.1466.101.120.7", ["supportedExtension"], Syntaxes.Oid, MatchingRule.ObjectIdentifier, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType SupportedControl = new("1.3.6.1.4.1.1466.101.120.13", ["supportedControl"], Syntaxes.Oid, MatchingRule.ObjectIdentifier, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType SupportedSaslMechanisms = new("1.3.6.1.4.1.1466.101.120.14", ["supportedSASLMechanisms"], Ds, MatchingRule.None, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType SupportedLdapVersion = new("1.3.6.1.4.1.1466.101.120.15", ["supportedLDAPVersion"], Syntaxes.Integer, MatchingRule.Integer, MatchingRule.Integer, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType SupportedFeatures = new("1.3.6.1.4.1.4203.1.3.5", ["supportedFeatures"], Syntaxes.Oid, MatchingRule.ObjectIdentifier, usage: AttributeUsage.DsaOperation);
    public static readonly AttributeType VendorName = new("1.3.6.1.1.4", ["vendorName"], Ds, MatchingRule.CaseIgnore, usage: AttributeUsage.DsaOperation, singleValue: true);
    public static readonly AttributeType VendorVersion = new("1.3.6.1.1.5", ["vendorVersion"], Ds, MatchingRule.CaseIgnore, usage: AttributeUsage.DsaOperation, singleValue: true);

    // The subschema subentry (RFC 4512 4.2).
    public static readonly AttributeType AttributeTypes = new("2.5.21.5", ["attributeTypes"], Syntaxes.AttributeTypeDescription, MatchingRule.ObjectIdentifier, usage: AttributeUsage.DirectoryOperation);
    public static readonly AttributeType ObjectClasses = new("2.5.21.6", ["objectClasses"], Syntaxes.ObjectClassDescription, MatchingRule.ObjectIdentifier, usage: AttributeUsage.DirectoryOperation);

    public static IReadOnlyList<AttributeType> All { get; } =
    [
        ObjectClass, Cn, Sn, GivenName, Uid, Mail, DisplayName, Description, Member, UniqueMember, Ou, O, Dc, MemberOf,
        UidNumber, GidNumber, Gecos, HomeDirectory, LoginShell, MemberUid, SshPublicKey,
        AssociatedDomain, Owner, MailLocalAddress, MailRoutingAddress, Rfc822MailMember, RosterMembersOnly,
        EntryUuid, CreateTimestamp, ModifyTimestamp, SubschemaSubentry,
        NamingContexts, SupportedExtension, SupportedControl, SupportedSaslMechanisms, SupportedLdapVersion, SupportedFeatures,
        VendorName, VendorVersion, AttributeTypes, ObjectClasses,
    ];

    // ObjectClassDescriptions (RFC 4512 4.1.1) of the classes the tree uses, as RFC 4519, RFC 2798 and RFC 4512 define them.
    public static IReadOnlyList<string> ObjectClassDescriptions { get; } =
    [
        "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
        "( 2.5.6.4 NAME 'organization' SUP top STRUCTURAL MUST o MAY description )",
        "( 1.3.6.1.4.1.1466.344 NAME 'dcObject' SUP top AUXILIARY MUST dc )",
        "( 2.5.6.5 NAME 'organizationalUnit' SUP top STRUCTURAL MUST ou MAY description )",
        "( 2.5.6.6 NAME 'person' SUP top STRUCTURAL MUST ( sn $ cn ) MAY description )",
        "( 2.5.6.7 NAME 'organizationalPerson' SUP person STRUCTURAL MAY ou )",
        "( 2.16.840.1.113730.3.2.2 NAME 'inetOrgPerson' SUP organizationalPerson STRUCTURAL MAY ( displayName $ givenName $ mail $ uid $ memberOf ) )",
        "( 2.5.6.9 NAME 'groupOfNames' SUP top STRUCTURAL MUST ( member $ cn ) MAY description )",
        "( 2.5.6.17 NAME 'groupOfUniqueNames' SUP top STRUCTURAL MUST ( uniqueMember $ cn ) MAY description )",
        // rfc2307bis: both auxiliary, so they join inetOrgPerson and groupOfNames on one entry.
        "( 1.3.6.1.1.1.2.0 NAME 'posixAccount' DESC 'Abstraction of an account with POSIX attributes' SUP top AUXILIARY MUST ( cn $ uid $ uidNumber $ gidNumber $ homeDirectory ) MAY ( loginShell $ gecos $ description ) )",
        "( 1.3.6.1.1.1.2.2 NAME 'posixGroup' DESC 'Abstraction of a group of accounts' SUP top AUXILIARY MUST gidNumber MAY ( memberUid $ description ) )",
        "( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey' DESC 'MANDATORY: OpenSSH LPK objectclass' SUP top AUXILIARY MUST ( sshPublicKey $ uid ) )",
        // The mail directory's entries: Roster's three structural classes, each with the standard classes mail servers know.
        "( 0.9.2342.19200300.100.4.17 NAME 'domainRelatedObject' SUP top AUXILIARY MUST associatedDomain )",
        "( 2.16.840.1.113730.3.2.147 NAME 'inetLocalMailRecipient' SUP top AUXILIARY MAY ( mailLocalAddress $ mailRoutingAddress ) )",
        "( 1.3.6.1.4.1.42.2.27.1.2.5 NAME 'nisMailAlias' SUP top STRUCTURAL MUST cn MAY rfc822MailMember )",
        $"( {RosterArc}.2.1 NAME 'rosterMailDomain' DESC 'A domain Roster publishes addresses for' SUP top STRUCTURAL MUST cn )",
        $"( {RosterArc}.2.2 NAME 'rosterMailbox' DESC 'A mailbox: its address in cn, with its aliases in mailLocalAddress, and its owner' SUP top STRUCTURAL MUST cn MAY ( owner $ description ) )",
        $"( {RosterArc}.2.3 NAME 'rosterMailingList' DESC 'A mailing list: its members as addresses in rfc822MailMember' SUP nisMailAlias STRUCTURAL MAY ( rosterMembersOnly $ description ) )",
        "( 2.5.17.0 NAME 'subentry' SUP top STRUCTURAL MUST cn )",
        "( 2.5.20.1 NAME 'subschema' AUXILIARY MAY ( attributeTypes $ objectClasses ) )",
        "( 1.3.6.1.4.1.1466.101.120.111 NAME 'extensibleObject' SUP top AUXILIARY )",
    ];

    private static readonly Dictionary<string, AttributeType>.AlternateLookup<ReadOnlySpan<char>> ByName = BuildIndex();

    private static Dictionary<string, AttributeType>.AlternateLookup<ReadOnlySpan<char>> BuildIndex()
    {
        // Attribute descriptions are case-insensitive (RFC 4512 2.5); OIDs name the same types.
        var index = new Dictionary<string, AttributeType>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in All)
        {
            index.Add(type.Oid, type);
            foreach (var name in type.Names)
            {
                index.Add(name, type);
            }
        }
        return index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    // The attribute type an attribute description names, by any of its names or its OID; null when unrecognized.
    // Descriptions with options (cn;lang-de) are unrecognized: this directory stores no tagged values.
    public static AttributeType? Find(ReadOnlySpan<char> description) =>
        ByName.TryGetValue(description, out var type) ? type : null;
}
