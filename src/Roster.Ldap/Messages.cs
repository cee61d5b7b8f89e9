using System.Text;

namespace Roster.Ldap;

// The protocol data units of RFC 4511 section 4, one record per ASN.1 type. DNs stay strings here: a DN that does
// not parse is an operation's invalidDNSyntax result, not a malformed message. Attribute values are strings because
// every attribute this directory serves has a UTF-8 string syntax.

// LDAPMessage (4.1.1). MessageID 0 is reserved for unsolicited notifications.
public sealed record LdapMessage(int MessageId, ProtocolOp ProtocolOp, ValueArray<Control> Controls = default);

// Control (4.1.11). Criticality defaults to FALSE; a value is optional and distinct from an empty one.
public sealed record Control(string ControlType, bool Criticality = false, ValueArray<byte>? ControlValue = null);

public abstract record ProtocolOp;

public abstract record LdapRequest : ProtocolOp;

public abstract record LdapResponse : ProtocolOp;

// A response whose body is (or starts with) an LDAPResult.
public abstract record ResultResponse(LdapResult Result) : LdapResponse;

// PartialAttribute (4.1.7): a description and its values, possibly none (typesOnly answers, attribute lists).
public sealed record PartialAttribute(string Type, ValueArray<string> Values = default);

// 4.2 Bind
public sealed record BindRequest(int Version, string Name, BindAuthentication Authentication) : LdapRequest;

public abstract record BindAuthentication;

public sealed record SimpleAuthentication(string Password) : BindAuthentication
{
    // Records print every property; a password must never reach a log through a message's ToString.
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Password = <redacted>");
        return true;
    }
}

public sealed record SaslAuthentication(string Mechanism, ValueArray<byte>? Credentials = null) : BindAuthentication
{
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Mechanism = ").Append(Mechanism).Append(", Credentials = <redacted>");
        return true;
    }
}

public sealed record BindResponse(LdapResult Result, ValueArray<byte>? ServerSaslCreds = null) : ResultResponse(Result);

// 4.3 Unbind
public sealed record UnbindRequest : LdapRequest;

// 4.5 Search
public enum SearchScope
{
    BaseObject = 0,
    SingleLevel = 1,
    WholeSubtree = 2,
}

public enum DerefAliases
{
    NeverDerefAliases = 0,
    DerefInSearching = 1,
    DerefFindingBaseObj = 2,
    DerefAlways = 3,
}

public sealed record SearchRequest(
    string BaseObject,
    SearchScope Scope,
    DerefAliases DerefAliases,
    int SizeLimit,
    int TimeLimit,
    bool TypesOnly,
    Filter Filter,
    ValueArray<string> Attributes = default) : LdapRequest;

public sealed record SearchResultEntry(string ObjectName, ValueArray<PartialAttribute> Attributes = default) : LdapResponse;

public sealed record SearchResultReference(ValueArray<string> Uris) : LdapResponse;

public sealed record SearchResultDone(LdapResult Result) : ResultResponse(Result);

// 4.6 Modify
public enum ModifyOperation
{
    Add = 0,
    Delete = 1,
    Replace = 2,
}

public sealed record Change(ModifyOperation Operation, PartialAttribute Modification);

public sealed record ModifyRequest(string Object, ValueArray<Change> Changes) : LdapRequest;

public sealed record ModifyResponse(LdapResult Result) : ResultResponse(Result);

// 4.7 Add
public sealed record AddRequest(string Entry, ValueArray<PartialAttribute> Attributes) : LdapRequest;

public sealed record AddResponse(LdapResult Result) : ResultResponse(Result);

// 4.8 Delete
public sealed record DelRequest(string Entry) : LdapRequest;

public sealed record DelResponse(LdapResult Result) : ResultResponse(Result);

// 4.9 Modify DN
public sealed record ModifyDNRequest(string Entry, string NewRdn, bool DeleteOldRdn, string? NewSuperior = null) : LdapRequest;

public sealed record ModifyDNResponse(LdapResult Result) : ResultResponse(Result);

// 4.10 Compare
public sealed record CompareRequest(string Entry, string AttributeDesc, string AssertionValue) : LdapRequest;

public sealed record CompareResponse(LdapResult Result) : ResultResponse(Result);

// 4.11 Abandon
public sealed record AbandonRequest(int MessageId) : LdapRequest;

// 4.12 Extended
public sealed record ExtendedRequest(string RequestName, ValueArray<byte>? RequestValue = null) : LdapRequest;

public sealed record ExtendedResponse(LdapResult Result, string? ResponseName = null, ValueArray<byte>? ResponseValue = null)
    : ResultResponse(Result);

// 4.13 Intermediate
public sealed record IntermediateResponse(string? ResponseName = null, ValueArray<byte>? ResponseValue = null) : LdapResponse;
