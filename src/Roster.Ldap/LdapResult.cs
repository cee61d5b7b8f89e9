namespace Roster.Ldap;

// RFC 4511 4.1.9 and appendix A. Names keep the RFC's spelling so logs and code read like the spec.
public enum ResultCode
{
    Success = 0,
    OperationsError = 1,
    ProtocolError = 2,
    TimeLimitExceeded = 3,
    SizeLimitExceeded = 4,
    CompareFalse = 5,
    CompareTrue = 6,
    AuthMethodNotSupported = 7,
    StrongerAuthRequired = 8,
    Referral = 10,
    AdminLimitExceeded = 11,
    UnavailableCriticalExtension = 12,
    ConfidentialityRequired = 13,
    SaslBindInProgress = 14,
    NoSuchAttribute = 16,
    UndefinedAttributeType = 17,
    InappropriateMatching = 18,
    ConstraintViolation = 19,
    AttributeOrValueExists = 20,
    InvalidAttributeSyntax = 21,
    NoSuchObject = 32,
    AliasProblem = 33,
    InvalidDNSyntax = 34,
    AliasDereferencingProblem = 36,
    InappropriateAuthentication = 48,
    InvalidCredentials = 49,
    InsufficientAccessRights = 50,
    Busy = 51,
    Unavailable = 52,
    UnwillingToPerform = 53,
    LoopDetect = 54,
    NamingViolation = 64,
    ObjectClassViolation = 65,
    NotAllowedOnNonLeaf = 66,
    NotAllowedOnRDN = 67,
    EntryAlreadyExists = 68,
    ObjectClassModsProhibited = 69,
    AffectsMultipleDSAs = 71,
    Other = 80,
}

// LDAPResult (RFC 4511 4.1.9). Referral is empty when absent: this server never refers.
public sealed record LdapResult(ResultCode ResultCode, string MatchedDN, string DiagnosticMessage, ValueArray<string> Referral = default)
{
    public static LdapResult Success { get; } = new(ResultCode.Success, "", "");

    public static LdapResult Error(ResultCode code, string message, string matchedDN = "") => new(code, matchedDN, message);
}
