using System.Globalization;
using System.Text;

namespace Roster.Ldap;

// The matching rules of RFC 4517 section 4.2 that the schema uses, applied to an entry's attribute. A null answer is
// RFC 4511's Undefined: the assertion value is not valid for the rule, or the attribute has no such rule.
internal static class Matching
{
    public static bool? Equal(EntryAttribute attribute, string assertion)
    {
        switch (attribute.Type.Equality)
        {
            case MatchingRule.CaseIgnore or MatchingRule.ObjectIdentifier:
                foreach (var value in attribute.Values)
                {
                    if (CaseIgnoreEquals(value, assertion))
                    {
                        return true;
                    }
                }
                return false;
            case MatchingRule.DistinguishedName:
                if (NormalizeDn(assertion) is not { } dn)
                {
                    return null;
                }
                foreach (var value in attribute.NormalizedDnValues)
                {
                    if (string.Equals(value, dn, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                return false;
            case MatchingRule.Uuid:
                if (!Guid.TryParse(assertion, out var uuid))
                {
                    return null;
                }
                foreach (var value in attribute.Values)
                {
                    if (Guid.TryParse(value, out var candidate) && candidate == uuid)
                    {
                        return true;
                    }
                }
                return false;
            case MatchingRule.GeneralizedTime or MatchingRule.Integer:
                return Order(attribute, assertion, static c => c == 0);
            default:
                return null;
        }
    }

    // greaterOrEqual and lessOrEqual (RFC 4511 4.5.1.7.3/4) use the type's ORDERING rule; without one they are Undefined.
    public static bool? GreaterOrEqual(EntryAttribute attribute, string assertion) => Order(attribute, assertion, static c => c >= 0);

    public static bool? LessOrEqual(EntryAttribute attribute, string assertion) => Order(attribute, assertion, static c => c <= 0);

    private static bool? Order(EntryAttribute attribute, string assertion, Func<int, bool> accept)
    {
        var rule = attribute.Type.Ordering == MatchingRule.None && attribute.Type.Equality is MatchingRule.GeneralizedTime or MatchingRule.Integer
            ? attribute.Type.Equality
            : attribute.Type.Ordering;
        switch (rule)
        {
            case MatchingRule.GeneralizedTime:
                if (!GeneralizedTime.TryParse(assertion, out var time))
                {
                    return null;
                }
                foreach (var value in attribute.Values)
                {
                    if (GeneralizedTime.TryParse(value, out var candidate) && accept(candidate.CompareTo(time)))
                    {
                        return true;
                    }
                }
                return false;
            case MatchingRule.Integer:
                if (!long.TryParse(assertion, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return null;
                }
                foreach (var value in attribute.Values)
                {
                    if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var candidate) && accept(candidate.CompareTo(number)))
                    {
                        return true;
                    }
                }
                return false;
            case MatchingRule.Uuid:
                // uuidOrderingMatch compares the 16 octets in network order, which the lowercase "D" form preserves.
                if (!Guid.TryParse(assertion, out var uuid))
                {
                    return null;
                }
                var key = uuid.ToString("D");
                foreach (var value in attribute.Values)
                {
                    if (Guid.TryParse(value, out var candidate) && accept(string.CompareOrdinal(candidate.ToString("D"), key)))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return null;
        }
    }

    // substrings (RFC 4511 4.5.1.7.2) with caseIgnoreSubstringsMatch: initial, then each any in order, then final,
    // none overlapping.
    public static bool? Substrings(EntryAttribute attribute, string? initial, ValueArray<string> any, string? final)
    {
        if (!attribute.Type.Substrings)
        {
            return null;
        }
        var parts = SubstringParts.Prepare(initial, any.AsSpan(), final, ignoreCase: true);
        foreach (var value in attribute.Values)
        {
            if (parts.Matches(value))
            {
                return true;
            }
        }
        return false;
    }

    // caseIgnoreMatch without allocating: leading and trailing spaces are insignificant, inner runs of spaces
    // compare as one (RFC 4518 2.6.1), and characters compare after case folding.
    public static bool CaseIgnoreEquals(ReadOnlySpan<char> left, ReadOnlySpan<char> right) => StringEquals(left, right, ignoreCase: true);

    // caseIgnoreMatch, or caseExactMatch when !ignoreCase: the same space handling, with or without case folding.
    public static bool StringEquals(ReadOnlySpan<char> left, ReadOnlySpan<char> right, bool ignoreCase)
    {
        left = left.Trim();
        right = right.Trim();
        int i = 0, j = 0;
        while (i < left.Length && j < right.Length)
        {
            var a = left[i];
            var b = right[j];
            var spaceA = char.IsWhiteSpace(a);
            var spaceB = char.IsWhiteSpace(b);
            if (spaceA || spaceB)
            {
                if (!(spaceA && spaceB))
                {
                    return false;
                }
                while (i < left.Length && char.IsWhiteSpace(left[i]))
                {
                    i++;
                }
                while (j < right.Length && char.IsWhiteSpace(right[j]))
                {
                    j++;
                }
                continue;
            }
            if (a != b && (!ignoreCase || char.ToLowerInvariant(a) != char.ToLowerInvariant(b)))
            {
                return false;
            }
            i++;
            j++;
        }
        return i == left.Length && j == right.Length;
    }

    // The prepared form StringEquals compares: trimmed, inner space runs as one space, lower case unless exact.
    public static string Fold(string value, bool ignoreCase = true)
    {
        var span = value.AsSpan().Trim();
        var builder = new StringBuilder(span.Length);
        var inSpace = false;
        foreach (var c in span)
        {
            if (char.IsWhiteSpace(c))
            {
                inSpace = true;
                continue;
            }
            if (inSpace)
            {
                builder.Append(' ');
                inSpace = false;
            }
            builder.Append(ignoreCase ? char.ToLowerInvariant(c) : c);
        }
        return builder.ToString();
    }

    // Substring parts keep their inner and edge spaces as single spaces: "a *" must not match "ab".
    internal static string FoldPart(string value, bool ignoreCase)
    {
        var builder = new StringBuilder(value.Length);
        var inSpace = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                inSpace = true;
                continue;
            }
            if (inSpace)
            {
                builder.Append(' ');
                inSpace = false;
            }
            builder.Append(ignoreCase ? char.ToLowerInvariant(c) : c);
        }
        if (inSpace)
        {
            builder.Append(' ');
        }
        return builder.ToString();
    }

    // An assertion's normalized DN. A search evaluates the same assertion string against every candidate entry,
    // so the last one is remembered per thread, keyed by the string instance.
    [ThreadStatic]
    private static (string Text, string? Normalized) _lastDn;

    public static string? NormalizeDn(string text)
    {
        var last = _lastDn;
        if (ReferenceEquals(last.Text, text))
        {
            return last.Normalized;
        }
        var normalized = DistinguishedName.TryParse(text, out var dn) ? dn.Normalized : null;
        _lastDn = (text, normalized);
        return normalized;
    }
}

// A substrings assertion prepared once for many values: its parts folded as the values will be, matched as initial,
// then each any in order, then final, none overlapping (RFC 4511 4.5.1.7.2, RFC 4517 4.2.3).
internal sealed class SubstringParts
{
    private readonly string? _initial;
    private readonly string[] _any;
    private readonly string? _final;
    private readonly bool _ignoreCase;

    private SubstringParts(string? initial, string[] any, string? final, bool ignoreCase)
    {
        _initial = initial;
        _any = any;
        _final = final;
        _ignoreCase = ignoreCase;
    }

    public static SubstringParts Prepare(string? initial, ReadOnlySpan<string> any, string? final, bool ignoreCase)
    {
        var foldedAny = new string[any.Length];
        for (var k = 0; k < any.Length; k++)
        {
            foldedAny[k] = Matching.FoldPart(any[k], ignoreCase);
        }
        return new(
            initial is null ? null : Matching.FoldPart(initial, ignoreCase),
            foldedAny,
            final is null ? null : Matching.FoldPart(final, ignoreCase),
            ignoreCase);
    }

    public bool Matches(string value)
    {
        var folded = Matching.Fold(value, _ignoreCase).AsSpan();
        if (_initial is not null)
        {
            if (!folded.StartsWith(_initial, StringComparison.Ordinal))
            {
                return false;
            }
            folded = folded[_initial.Length..];
        }
        if (_final is not null)
        {
            if (!folded.EndsWith(_final, StringComparison.Ordinal))
            {
                return false;
            }
            folded = folded[..^_final.Length];
        }
        foreach (var part in _any)
        {
            var at = folded.IndexOf(part, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }
            folded = folded[(at + part.Length)..];
        }
        return true;
    }
}
