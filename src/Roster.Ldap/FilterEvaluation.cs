namespace Roster.Ldap;

// RFC 4511 4.5.1.7: every filter evaluates to TRUE, FALSE or Undefined; an entry is returned only for TRUE.
public enum FilterResult
{
    False,
    True,
    Undefined,
}

public static class FilterEvaluation
{
    public static FilterResult Evaluate(this Filter filter, DirectoryEntry entry)
    {
        switch (filter)
        {
            case AndFilter and:
            {
                // FALSE if any operand is FALSE, else Undefined if any is, else TRUE (and TRUE when empty).
                var result = FilterResult.True;
                foreach (var operand in and.Filters)
                {
                    var value = operand.Evaluate(entry);
                    if (value == FilterResult.False)
                    {
                        return FilterResult.False;
                    }
                    if (value == FilterResult.Undefined)
                    {
                        result = FilterResult.Undefined;
                    }
                }
                return result;
            }
            case OrFilter or:
            {
                var result = FilterResult.False;
                foreach (var operand in or.Filters)
                {
                    var value = operand.Evaluate(entry);
                    if (value == FilterResult.True)
                    {
                        return FilterResult.True;
                    }
                    if (value == FilterResult.Undefined)
                    {
                        result = FilterResult.Undefined;
                    }
                }
                return result;
            }
            case NotFilter not:
                // NOT of Undefined stays Undefined, so (!(unknown=x)) matches nothing.
                return not.Filter.Evaluate(entry) switch
                {
                    FilterResult.True => FilterResult.False,
                    FilterResult.False => FilterResult.True,
                    _ => FilterResult.Undefined,
                };
            case PresentFilter present:
                // present is never Undefined: an unrecognized attribute is simply not present (4.5.1.7.5).
                return Schema.Find(present.Attribute) is { } presentType && entry.Find(presentType) is not null
                    ? FilterResult.True
                    : FilterResult.False;
            case EqualityFilter f:
                return Item(entry, f.Attribute, static (a, v) => Matching.Equal(a, v), f.Value, needsEquality: true);
            case ApproxMatchFilter f:
                // approxMatch is implementation-defined (4.5.1.7.6); as equality it never surprises.
                return Item(entry, f.Attribute, static (a, v) => Matching.Equal(a, v), f.Value, needsEquality: true);
            case GreaterOrEqualFilter f:
                return Item(entry, f.Attribute, static (a, v) => Matching.GreaterOrEqual(a, v), f.Value, needsEquality: false);
            case LessOrEqualFilter f:
                return Item(entry, f.Attribute, static (a, v) => Matching.LessOrEqual(a, v), f.Value, needsEquality: false);
            case SubstringFilter f:
            {
                if (Schema.Find(f.Attribute) is not { } type || !type.Substrings)
                {
                    return FilterResult.Undefined;
                }
                return entry.Find(type) is { } attribute
                    ? ToResult(Matching.Substrings(attribute, f.Initial, f.Any, f.Final))
                    : FilterResult.False;
            }
            case ExtensibleMatchFilter f:
                return Extensible(f, entry);
            default:
                return FilterResult.Undefined;
        }
    }

    private static FilterResult Item(DirectoryEntry entry, string description, Func<EntryAttribute, string, bool?> match, string value, bool needsEquality)
    {
        if (Schema.Find(description) is not { } type)
        {
            return FilterResult.Undefined;
        }
        if (needsEquality ? type.Equality == MatchingRule.None : type.Ordering == MatchingRule.None)
        {
            return FilterResult.Undefined;
        }
        return entry.Find(type) is { } attribute ? ToResult(match(attribute, value)) : FilterResult.False;
    }

    // Only what is trivially supported: a type with no rule or with its own equality rule means equality on that
    // type, and dnAttributes extends it to the entry's DN (4.5.1.7.7). Any other rule is Undefined.
    private static FilterResult Extensible(ExtensibleMatchFilter filter, DirectoryEntry entry)
    {
        if (filter.Type is null || Schema.Find(filter.Type) is not { } type || type.Equality == MatchingRule.None)
        {
            return FilterResult.Undefined;
        }
        if (filter.MatchingRule is not null && RuleOf(filter.MatchingRule) != type.Equality)
        {
            return FilterResult.Undefined;
        }
        var result = entry.Find(type) is { } attribute ? ToResult(Matching.Equal(attribute, filter.MatchValue)) : FilterResult.False;
        if (result != FilterResult.True && filter.DnAttributes)
        {
            foreach (var rdn in entry.Dn.Rdns)
            {
                foreach (var ava in rdn.Avas)
                {
                    if (Schema.Find(ava.Type) == type && Matching.CaseIgnoreEquals(ava.Value, filter.MatchValue))
                    {
                        return FilterResult.True;
                    }
                }
            }
        }
        return result;
    }

    private static MatchingRule RuleOf(string nameOrOid) => nameOrOid.ToLowerInvariant() switch
    {
        "caseignorematch" or "2.5.13.2" or "caseignoreia5match" or "1.3.6.1.4.1.1466.109.114.2" => MatchingRule.CaseIgnore,
        "distinguishednamematch" or "2.5.13.1" => MatchingRule.DistinguishedName,
        "objectidentifiermatch" or "2.5.13.0" => MatchingRule.ObjectIdentifier,
        "uuidmatch" or "1.3.6.1.1.16.2" => MatchingRule.Uuid,
        "generalizedtimematch" or "2.5.13.27" => MatchingRule.GeneralizedTime,
        "integermatch" or "2.5.13.14" => MatchingRule.Integer,
        _ => MatchingRule.None,
    };

    private static FilterResult ToResult(bool? match) => match switch
    {
        true => FilterResult.True,
        false => FilterResult.False,
        null => FilterResult.Undefined,
    };
}
