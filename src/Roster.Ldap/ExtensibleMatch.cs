using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Roster.Ldap;

// extensibleMatch (RFC 4511 4.5.1.7.7; "(type:dn:rule:=value)" in RFC 4515): a matching rule, named by name or OID,
// applied to the values of the given type, or of every attribute the rule applies to when no type is given, and with
// dnAttributes also to the attribute values of the entry's DN. The rules are RFC 4517's (and RFC 4530's for UUIDs)
// for the syntaxes this directory serves; any other rule, or a rule that does not apply to the type's syntax, makes
// the item Undefined, as does an assertion value the rule cannot read.
internal static class ExtensibleMatch
{
    private enum Family
    {
        None,
        String,
        Oid,
        Dn,
        Integer,
        Time,
        Uuid,
    }

    private enum Kind
    {
        Equality,
        // Ordering rules are TRUE when the attribute value sorts before the assertion value (RFC 4517 4.2).
        Ordering,
        Substrings,
    }

    private sealed record Rule(string Name, string Oid, Family Family, Kind Kind, bool IgnoreCase = true, bool Ia5 = false);

    // The equality rules of the schema's types, which an extensible match without a rule uses.
    private static readonly Rule CaseIgnoreMatch = new("caseIgnoreMatch", "2.5.13.2", Family.String, Kind.Equality);
    private static readonly Rule ObjectIdentifierMatch = new("objectIdentifierMatch", "2.5.13.0", Family.Oid, Kind.Equality);
    private static readonly Rule DistinguishedNameMatch = new("distinguishedNameMatch", "2.5.13.1", Family.Dn, Kind.Equality);
    private static readonly Rule IntegerMatch = new("integerMatch", "2.5.13.14", Family.Integer, Kind.Equality);
    private static readonly Rule GeneralizedTimeMatch = new("generalizedTimeMatch", "2.5.13.27", Family.Time, Kind.Equality);
    private static readonly Rule UuidMatch = new("UUIDMatch", "1.3.6.1.1.16.2", Family.Uuid, Kind.Equality);

    private static readonly Rule[] Rules =
    [
        CaseIgnoreMatch,
        new("caseIgnoreOrderingMatch", "2.5.13.3", Family.String, Kind.Ordering),
        new("caseIgnoreSubstringsMatch", "2.5.13.4", Family.String, Kind.Substrings),
        new("caseExactMatch", "2.5.13.5", Family.String, Kind.Equality, IgnoreCase: false),
        new("caseExactOrderingMatch", "2.5.13.6", Family.String, Kind.Ordering, IgnoreCase: false),
        new("caseExactSubstringsMatch", "2.5.13.7", Family.String, Kind.Substrings, IgnoreCase: false),
        new("caseExactIA5Match", "1.3.6.1.4.1.1466.109.114.1", Family.String, Kind.Equality, IgnoreCase: false, Ia5: true),
        new("caseIgnoreIA5Match", "1.3.6.1.4.1.1466.109.114.2", Family.String, Kind.Equality, Ia5: true),
        new("caseIgnoreIA5SubstringsMatch", "1.3.6.1.4.1.1466.109.114.3", Family.String, Kind.Substrings, Ia5: true),
        ObjectIdentifierMatch,
        DistinguishedNameMatch,
        new("uniqueMemberMatch", "2.5.13.23", Family.Dn, Kind.Equality),
        IntegerMatch,
        new("integerOrderingMatch", "2.5.13.15", Family.Integer, Kind.Ordering),
        GeneralizedTimeMatch,
        new("generalizedTimeOrderingMatch", "2.5.13.28", Family.Time, Kind.Ordering),
        UuidMatch,
        new("UUIDOrderingMatch", "1.3.6.1.1.16.3", Family.Uuid, Kind.Ordering),
    ];

    // A search evaluates one filter against every candidate entry: its rule, type and assertion are resolved once per
    // filter instance, and an Undefined outcome (null) is remembered as well.
    private static readonly ConditionalWeakTable<ExtensibleMatchFilter, StrongBox<Assertion?>> Compiled = new();

    public static FilterResult Evaluate(ExtensibleMatchFilter filter, DirectoryEntry entry)
    {
        if (Compiled.GetValue(filter, static f => new StrongBox<Assertion?>(Compile(f))).Value is not { } assertion)
        {
            return FilterResult.Undefined;
        }
        var (rule, type) = (assertion.Rule, assertion.Type);
        foreach (var attribute in entry.AttributeSpan)
        {
            if ((type is null ? AppliesTo(rule, attribute.Type) : ReferenceEquals(attribute.Type, type)) && assertion.MatchesAny(attribute))
            {
                return FilterResult.True;
            }
        }
        if (filter.DnAttributes)
        {
            foreach (var rdn in entry.Dn.Rdns)
            {
                foreach (var ava in rdn.Avas)
                {
                    if (Schema.Find(ava.Type) is { } avaType
                        && (type is null ? AppliesTo(rule, avaType) : ReferenceEquals(avaType, type))
                        && assertion.Matches(ava.Value))
                    {
                        return FilterResult.True;
                    }
                }
            }
        }
        return FilterResult.False;
    }

    // Null when the item is Undefined for every entry: an unknown type or rule, a rule that does not apply to the
    // type, or an assertion value the rule cannot read.
    private static Assertion? Compile(ExtensibleMatchFilter filter)
    {
        AttributeType? type = null;
        if (filter.Type is not null && (type = Schema.Find(filter.Type)) is null)
        {
            return null;
        }
        // Without a rule, the type's own equality rule (4.5.1.7.7), which then applies whatever the syntax.
        var rule = filter.MatchingRule is null ? EqualityOf(type) : Find(filter.MatchingRule);
        if (rule is null || type is not null && !AppliesTo(rule, type))
        {
            return null;
        }
        return Assertion.Prepare(rule, type, filter.MatchValue);
    }

    // Rule names are descriptors, compared without regard to case (RFC 4512 1.4); OIDs name the same rules.
    private static Rule? Find(string nameOrOid)
    {
        foreach (var rule in Rules)
        {
            if (string.Equals(rule.Name, nameOrOid, StringComparison.OrdinalIgnoreCase) || rule.Oid == nameOrOid)
            {
                return rule;
            }
        }
        return null;
    }

    private static Rule? EqualityOf(AttributeType? type) => type?.Equality switch
    {
        MatchingRule.CaseIgnore => CaseIgnoreMatch,
        MatchingRule.ObjectIdentifier => ObjectIdentifierMatch,
        MatchingRule.DistinguishedName => DistinguishedNameMatch,
        MatchingRule.Integer => IntegerMatch,
        MatchingRule.GeneralizedTime => GeneralizedTimeMatch,
        MatchingRule.Uuid => UuidMatch,
        _ => null,
    };

    // Whether the rule may be used with values of this type (RFC 4512 4.1.4 matchingRuleUse): its own equality rule,
    // or a rule of its syntax. IA5 strings are directory strings too, so the string rules apply to both.
    private static bool AppliesTo(Rule rule, AttributeType type) =>
        ReferenceEquals(rule, EqualityOf(type)) || rule.Family == FamilyOf(type.Syntax);

    private static Family FamilyOf(string syntax) => syntax switch
    {
        Syntaxes.DirectoryString or Syntaxes.Ia5String => Family.String,
        Syntaxes.Oid => Family.Oid,
        Syntaxes.DN => Family.Dn,
        Syntaxes.Integer => Family.Integer,
        Syntaxes.GeneralizedTime => Family.Time,
        Syntaxes.Uuid => Family.Uuid,
        _ => Family.None,
    };

    // An assertion value read once for the rule, then matched against each value.
    private sealed class Assertion
    {
        private readonly string _text;
        // The assertion in the form values are compared in: a folded string, a normalized DN, a UUID's "D" form.
        private string _key = "";
        private long _number;
        private DateTimeOffset _time;
        private SubstringParts? _parts;

        private Assertion(Rule rule, AttributeType? type, string text)
        {
            Rule = rule;
            Type = type;
            _text = text;
        }

        public Rule Rule { get; }

        // The one type matched, or null for every attribute the rule applies to.
        public AttributeType? Type { get; }

        // Null when the value is not valid for the rule's assertion syntax.
        public static Assertion? Prepare(Rule rule, AttributeType? type, string text)
        {
            var assertion = new Assertion(rule, type, text);
            if (rule.Ia5 && !Ascii.IsValid(text))
            {
                return null;
            }
            switch (rule.Family)
            {
                case Family.String when rule.Kind == Kind.Substrings:
                    if (ParseSubstrings(text, rule.IgnoreCase) is not { } parts)
                    {
                        return null;
                    }
                    assertion._parts = parts;
                    break;
                case Family.String when rule.Kind == Kind.Ordering:
                    assertion._key = Matching.Fold(text, rule.IgnoreCase);
                    break;
                case Family.Dn:
                    if (Matching.NormalizeDn(text) is not { } dn)
                    {
                        return null;
                    }
                    assertion._key = dn;
                    break;
                case Family.Integer:
                    if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out assertion._number))
                    {
                        return null;
                    }
                    break;
                case Family.Time:
                    if (!GeneralizedTime.TryParse(text, out assertion._time))
                    {
                        return null;
                    }
                    break;
                case Family.Uuid:
                    if (!Guid.TryParse(text, out var uuid))
                    {
                        return null;
                    }
                    assertion._key = uuid.ToString("D");
                    break;
            }
            return assertion;
        }

        public bool MatchesAny(EntryAttribute attribute)
        {
            if (Rule.Family == Family.Dn)
            {
                // The attribute keeps its values normalized, so no DN is parsed again per search.
                foreach (var value in attribute.NormalizedDnValues)
                {
                    if (string.Equals(value, _key, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                return false;
            }
            foreach (var value in attribute.Values)
            {
                if (Matches(value))
                {
                    return true;
                }
            }
            return false;
        }

        public bool Matches(string value)
        {
            switch (Rule.Family, Rule.Kind)
            {
                case (Family.String, Kind.Equality):
                    return Matching.StringEquals(value, _text, Rule.IgnoreCase);
                case (Family.String, Kind.Ordering):
                    return string.CompareOrdinal(Matching.Fold(value, Rule.IgnoreCase), _key) < 0;
                case (Family.String, Kind.Substrings):
                    return _parts!.Matches(value);
                case (Family.Oid, _):
                    return Matching.CaseIgnoreEquals(value, _text);
                case (Family.Dn, _):
                    return DistinguishedName.TryParse(value, out var dn) && string.Equals(dn.Normalized, _key, StringComparison.Ordinal);
                case (Family.Integer, var kind):
                    return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                        && (kind == Kind.Equality ? number == _number : number < _number);
                case (Family.Time, var kind):
                    return GeneralizedTime.TryParse(value, out var time) && (kind == Kind.Equality ? time == _time : time < _time);
                case (Family.Uuid, var kind):
                    // uuidOrderingMatch compares the 16 octets in network order, which the lowercase "D" form preserves.
                    return Guid.TryParse(value, out var uuid)
                        && (kind == Kind.Equality ? uuid.ToString("D") == _key : string.CompareOrdinal(uuid.ToString("D"), _key) < 0);
                default:
                    return false;
            }
        }
    }

    // SubstringAssertion (RFC 4517 3.3.30): [initial] "*" *(any "*") [final], where a literal "*" or "\" is written
    // \2A or \5C and no other escape exists; null when the value does not follow it.
    private static SubstringParts? ParseSubstrings(string text, bool ignoreCase)
    {
        var pieces = text.Split('*');
        if (pieces.Length < 2)
        {
            return null;
        }
        var unescaped = new string[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (Unescape(pieces[i]) is not { } piece || piece.Length == 0 && i > 0 && i < pieces.Length - 1)
            {
                return null;
            }
            unescaped[i] = piece;
        }
        var initial = unescaped[0].Length > 0 ? unescaped[0] : null;
        var final = unescaped[^1].Length > 0 ? unescaped[^1] : null;
        return SubstringParts.Prepare(initial, unescaped[1..^1], final, ignoreCase);
    }

    private static string? Unescape(string piece)
    {
        if (!piece.Contains('\\'))
        {
            return piece;
        }
        var builder = new StringBuilder(piece.Length);
        for (var i = 0; i < piece.Length; i++)
        {
            if (piece[i] != '\\')
            {
                builder.Append(piece[i]);
                continue;
            }
            var code = i + 2 < piece.Length ? piece.AsSpan(i + 1, 2) : default;
            if (code.Equals("2A", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append('*');
            }
            else if (code.Equals("5C", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append('\\');
            }
            else
            {
                return null;
            }
            i += 2;
        }
        return builder.ToString();
    }
}
