using System.Formats.Asn1;

namespace Roster.Ldap;

// Filter (RFC 4511 4.5.1.7) as a tree of records, with its BER form here, its string form (RFC 4515) in
// FilterString.cs and its evaluation in FilterEvaluation.cs. Attribute descriptions stay as the client wrote them;
// they are resolved against the schema when evaluated, since an unrecognized one makes an item Undefined rather
// than the request malformed.
public abstract record Filter
{
    // Nesting beyond this is refused as malformed: no directory needs it, and recursion depth must be bounded.
    public const int MaxDepth = 32;

    public static Filter Parse(string text) => FilterString.Parse(text);

    public sealed override string ToString() => FilterString.Format(this);

    // (objectClass=*): true for every entry, the usual "no filter".
    public static Filter Everything { get; } = new PresentFilter("objectClass");

    // Context-specific tags of the Filter CHOICE.
    private static readonly Asn1Tag AndTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag OrTag = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag NotTag = new(TagClass.ContextSpecific, 2, isConstructed: true);
    private static readonly Asn1Tag EqualityTag = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag SubstringsTag = new(TagClass.ContextSpecific, 4, isConstructed: true);
    private static readonly Asn1Tag GreaterOrEqualTag = new(TagClass.ContextSpecific, 5, isConstructed: true);
    private static readonly Asn1Tag LessOrEqualTag = new(TagClass.ContextSpecific, 6, isConstructed: true);
    private static readonly Asn1Tag PresentTag = new(TagClass.ContextSpecific, 7);
    private static readonly Asn1Tag ApproxTag = new(TagClass.ContextSpecific, 8, isConstructed: true);
    private static readonly Asn1Tag ExtensibleTag = new(TagClass.ContextSpecific, 9, isConstructed: true);

    internal static Filter Read(AsnReader reader, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new AsnContentException("Filter nested too deeply.");
        }
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
        {
            throw new AsnContentException("Unknown filter choice.");
        }
        switch (tag.TagValue)
        {
            case 0 or 1 when tag.IsConstructed:
            {
                // SET SIZE (1..MAX) OF filter; the empty set is RFC 4526's absolute true (&) and false (|).
                var set = reader.ReadSetOf(tag);
                var operands = new List<Filter>();
                while (set.HasData)
                {
                    operands.Add(Read(set, depth + 1));
                }
                return tag.TagValue == 0 ? new AndFilter([.. operands]) : new OrFilter([.. operands]);
            }
            case 2 when tag.IsConstructed:
            {
                var inner = reader.ReadSequence(tag);
                var operand = Read(inner, depth + 1);
                inner.ThrowIfNotEmpty();
                return new NotFilter(operand);
            }
            case 3 or 5 or 6 or 8 when tag.IsConstructed:
            {
                var ava = reader.ReadSequence(tag);
                var attribute = Ber.ReadString(ava);
                var value = Ber.ReadString(ava);
                ava.ThrowIfNotEmpty();
                return tag.TagValue switch
                {
                    3 => new EqualityFilter(attribute, value),
                    5 => new GreaterOrEqualFilter(attribute, value),
                    6 => new LessOrEqualFilter(attribute, value),
                    _ => new ApproxMatchFilter(attribute, value),
                };
            }
            case 4 when tag.IsConstructed:
                return ReadSubstrings(reader.ReadSequence(tag));
            case 7 when !tag.IsConstructed:
                return new PresentFilter(Ber.ReadString(reader, PresentTag));
            case 9 when tag.IsConstructed:
                return ReadExtensible(reader.ReadSequence(tag));
            default:
                throw new AsnContentException("Unknown filter choice.");
        }
    }

    // SubstringFilter: at most one initial, first; any number of any; at most one final, last (4.5.1.7.2).
    private static SubstringFilter ReadSubstrings(AsnReader sequence)
    {
        var attribute = Ber.ReadString(sequence);
        var parts = sequence.ReadSequence();
        sequence.ThrowIfNotEmpty();
        string? initial = null, final = null;
        var any = new List<string>();
        var count = 0;
        while (parts.HasData)
        {
            var tag = parts.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue > 2 || final is not null)
            {
                throw new AsnContentException("Malformed substring filter.");
            }
            var value = Ber.ReadString(parts, tag);
            switch (tag.TagValue)
            {
                case 0 when count == 0:
                    initial = value;
                    break;
                case 1:
                    any.Add(value);
                    break;
                case 2:
                    final = value;
                    break;
                default:
                    throw new AsnContentException("Malformed substring filter.");
            }
            count++;
        }
        if (count == 0)
        {
            throw new AsnContentException("A substring filter needs at least one substring.");
        }
        return new SubstringFilter(attribute, initial, [.. any], final);
    }

    // MatchingRuleAssertion: matchingRule [1], type [2], matchValue [3], dnAttributes [4] DEFAULT FALSE.
    private static ExtensibleMatchFilter ReadExtensible(AsnReader sequence)
    {
        string? rule = null, type = null;
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Context(1)))
        {
            rule = Ber.ReadString(sequence, Context(1));
        }
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Context(2)))
        {
            type = Ber.ReadString(sequence, Context(2));
        }
        var value = Ber.ReadString(sequence, Context(3));
        var dnAttributes = false;
        if (sequence.HasData)
        {
            dnAttributes = sequence.ReadBoolean(Context(4));
        }
        sequence.ThrowIfNotEmpty();
        if (rule is null && type is null)
        {
            throw new AsnContentException("An extensible match needs a matching rule or a type (4.5.1.7.7).");
        }
        return new ExtensibleMatchFilter(rule, type, value, dnAttributes);
    }

    private static Asn1Tag Context(int value) => new(TagClass.ContextSpecific, value);

    internal void Write(AsnWriter writer)
    {
        switch (this)
        {
            case AndFilter and:
                WriteSet(writer, AndTag, and.Filters);
                break;
            case OrFilter or:
                WriteSet(writer, OrTag, or.Filters);
                break;
            case NotFilter not:
                using (writer.PushSequence(NotTag))
                {
                    not.Filter.Write(writer);
                }
                break;
            case EqualityFilter f:
                WriteAva(writer, EqualityTag, f.Attribute, f.Value);
                break;
            case GreaterOrEqualFilter f:
                WriteAva(writer, GreaterOrEqualTag, f.Attribute, f.Value);
                break;
            case LessOrEqualFilter f:
                WriteAva(writer, LessOrEqualTag, f.Attribute, f.Value);
                break;
            case ApproxMatchFilter f:
                WriteAva(writer, ApproxTag, f.Attribute, f.Value);
                break;
            case PresentFilter f:
                Ber.WriteString(writer, f.Attribute, PresentTag);
                break;
            case SubstringFilter f:
                using (writer.PushSequence(SubstringsTag))
                {
                    Ber.WriteString(writer, f.Attribute);
                    using (writer.PushSequence())
                    {
                        if (f.Initial is not null)
                        {
                            Ber.WriteString(writer, f.Initial, Context(0));
                        }
                        foreach (var any in f.Any)
                        {
                            Ber.WriteString(writer, any, Context(1));
                        }
                        if (f.Final is not null)
                        {
                            Ber.WriteString(writer, f.Final, Context(2));
                        }
                    }
                }
                break;
            case ExtensibleMatchFilter f:
                using (writer.PushSequence(ExtensibleTag))
                {
                    if (f.MatchingRule is not null)
                    {
                        Ber.WriteString(writer, f.MatchingRule, Context(1));
                    }
                    if (f.Type is not null)
                    {
                        Ber.WriteString(writer, f.Type, Context(2));
                    }
                    Ber.WriteString(writer, f.MatchValue, Context(3));
                    if (f.DnAttributes)
                    {
                        writer.WriteBoolean(true, Context(4));
                    }
                }
                break;
            default:
                throw new InvalidOperationException($"Unknown filter {GetType().Name}.");
        }
    }

    private static void WriteSet(AsnWriter writer, Asn1Tag tag, ValueArray<Filter> filters)
    {
        // BER keeps a SET OF in the order written, which keeps the client's evaluation order.
        using (writer.PushSetOf(tag))
        {
            foreach (var filter in filters)
            {
                filter.Write(writer);
            }
        }
    }

    private static void WriteAva(AsnWriter writer, Asn1Tag tag, string attribute, string value)
    {
        using (writer.PushSequence(tag))
        {
            Ber.WriteString(writer, attribute);
            Ber.WriteString(writer, value);
        }
    }
}

public sealed record AndFilter(ValueArray<Filter> Filters) : Filter;

public sealed record OrFilter(ValueArray<Filter> Filters) : Filter;

public sealed record NotFilter(Filter Filter) : Filter;

public sealed record EqualityFilter(string Attribute, string Value) : Filter;

public sealed record SubstringFilter(string Attribute, string? Initial, ValueArray<string> Any, string? Final) : Filter;

public sealed record GreaterOrEqualFilter(string Attribute, string Value) : Filter;

public sealed record LessOrEqualFilter(string Attribute, string Value) : Filter;

public sealed record PresentFilter(string Attribute) : Filter;

public sealed record ApproxMatchFilter(string Attribute, string Value) : Filter;

public sealed record ExtensibleMatchFilter(string? MatchingRule, string? Type, string MatchValue, bool DnAttributes = false) : Filter;
