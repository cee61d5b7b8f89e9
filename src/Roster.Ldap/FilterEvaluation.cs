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
                return ExtensibleMatch.Evaluate(f, entry);
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

    private static FilterResult ToResult(bool? match) => match switch
    {
        true => FilterResult.True,
        false => FilterResult.False,
        null => FilterResult.Undefined,
    };
}
