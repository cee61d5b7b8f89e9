using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Text;

namespace Roster.Ldap;

// AttributeTypeAndValue (RFC 4514 2.3): the type as written and the value unescaped.
public sealed record Ava(string Type, string Value);

// RelativeDistinguishedName: one or more AVAs joined by '+'.
public sealed record Rdn(ValueArray<Ava> Avas)
{
    public Rdn(string type, string value) : this([new Ava(type, value)])
    {
    }

    public override string ToString() => string.Join("+", Avas.Select(a => $"{a.Type}={DistinguishedName.Escape(a.Value)}"));
}

// A distinguished name (RFC 4514), leaf RDN first as in its string form. Two DNs are equal when their normalized
// forms are: attribute types by their schema name (commonName = cn, OIDs = names), values compared like
// caseIgnoreMatch (every naming attribute of this tree uses it), and the AVAs of a multi-valued RDN in sorted order.
public sealed class DistinguishedName : IEquatable<DistinguishedName>
{
    private readonly Rdn[] _rdns;
    private readonly string[] _normalizedRdns;
    private string? _text;

    private DistinguishedName(Rdn[] rdns, string? text = null)
    {
        _rdns = rdns;
        _text = text;
        _normalizedRdns = new string[rdns.Length];
        for (var i = 0; i < rdns.Length; i++)
        {
            _normalizedRdns[i] = NormalizeRdn(rdns[i]);
        }
        Normalized = string.Join(",", _normalizedRdns);
    }

    // The empty DN names the rootDSE (RFC 4512 5.1).
    public static DistinguishedName Root { get; } = new([]);

    public IReadOnlyList<Rdn> Rdns => _rdns;

    public string Normalized { get; }

    public bool IsRoot => _rdns.Length == 0;

    public int Depth => _rdns.Length;

    public DistinguishedName Parent => _rdns.Length == 0 ? this : new(_rdns[1..]);

    public DistinguishedName Child(string type, string value) => new([new Rdn(type, value), .. _rdns]);

    public static DistinguishedName Create(params Rdn[] rdns) => new(rdns.ToArray());

    // True when this DN is `ancestor` or lies below it.
    public bool IsWithin(DistinguishedName ancestor)
    {
        var extra = _rdns.Length - ancestor._rdns.Length;
        if (extra < 0)
        {
            return false;
        }
        for (var i = 0; i < ancestor._rdns.Length; i++)
        {
            if (!string.Equals(_normalizedRdns[extra + i], ancestor._normalizedRdns[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public bool IsChildOf(DistinguishedName parent) => _rdns.Length == parent._rdns.Length + 1 && IsWithin(parent);

    public bool Equals(DistinguishedName? other) => other is not null && string.Equals(Normalized, other.Normalized, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is DistinguishedName other && Equals(other);

    public override int GetHashCode() => Normalized.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(DistinguishedName? left, DistinguishedName? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(DistinguishedName? left, DistinguishedName? right) => !(left == right);

    // The RFC 4514 string form: the parsed text when this DN came from one, else types and values as given, escaped.
    public override string ToString() => _text ??= string.Join(",", _rdns.Select(r => r.ToString()));

    public static DistinguishedName Parse(string text) =>
        TryParse(text, out var dn) ? dn : throw new FormatException($"'{text}' is not a distinguished name (RFC 4514).");

    public static bool TryParse(string text, [NotNullWhen(true)] out DistinguishedName? dn)
    {
        dn = null;
        var rdns = new List<Rdn>();
        var avas = new List<Ava>();
        var i = 0;
        SkipSpaces(text, ref i);
        if (i == text.Length)
        {
            dn = Root;
            return true;
        }
        while (true)
        {
            if (!TryParseType(text, ref i, out var type) || !TryParseValue(text, ref i, out var value))
            {
                return false;
            }
            avas.Add(new Ava(type, value));
            SkipSpaces(text, ref i);
            if (i == text.Length)
            {
                rdns.Add(new Rdn([.. avas]));
                break;
            }
            var separator = text[i++];
            if (separator == '+')
            {
                continue;
            }
            // ';' separated RDNs in RFC 1779 and is still sent by some clients.
            if (separator is not (',' or ';'))
            {
                return false;
            }
            rdns.Add(new Rdn([.. avas]));
            avas.Clear();
        }
        dn = new DistinguishedName([.. rdns], text);
        return true;
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }
    }

    // attributeType = descr / numericoid (RFC 4512 1.4), followed by '='. Spaces around it are tolerated as
    // RFC 2253 readers did, since people type "uid=alice, ou=people".
    private static bool TryParseType(string text, ref int i, out string type)
    {
        type = "";
        SkipSpaces(text, ref i);
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.'))
        {
            i++;
        }
        var candidate = text.AsSpan(start, i - start);
        SkipSpaces(text, ref i);
        if (candidate.IsEmpty || i == text.Length || text[i] != '=' || !IsDescrOrOid(candidate))
        {
            return false;
        }
        i++;
        type = candidate.ToString();
        return true;
    }

    private static bool IsDescrOrOid(ReadOnlySpan<char> candidate)
    {
        if (char.IsAsciiLetter(candidate[0]))
        {
            return !candidate.Contains('.');
        }
        // numericoid = number 1*( DOT number ), without leading zeros.
        var previousDot = true;
        for (var k = 0; k < candidate.Length; k++)
        {
            var c = candidate[k];
            if (c == '.')
            {
                if (previousDot)
                {
                    return false;
                }
                previousDot = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (previousDot && c == '0' && k + 1 < candidate.Length && candidate[k + 1] != '.')
                {
                    return false;
                }
                previousDot = false;
            }
            else
            {
                return false;
            }
        }
        return !previousDot && candidate.Contains('.');
    }

    private static bool TryParseValue(string text, ref int i, out string value)
    {
        value = "";
        SkipSpaces(text, ref i);
        if (i < text.Length && text[i] == '#')
        {
            return TryParseHexValue(text, ref i, out value);
        }
        var builder = new StringBuilder();
        var pending = new List<byte>();
        // Unescaped trailing spaces are not part of the value; escaped ones are.
        var significant = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ',' or '+' or ';')
            {
                break;
            }
            if (c == '\\')
            {
                if (i + 1 == text.Length)
                {
                    return false;
                }
                var next = text[i + 1];
                if (i + 2 < text.Length && char.IsAsciiHexDigit(next) && char.IsAsciiHexDigit(text[i + 2]))
                {
                    pending.Add(Convert.FromHexString(text.AsSpan(i + 1, 2))[0]);
                    i += 3;
                    continue;
                }
                if (next is not ('"' or '+' or ',' or ';' or '<' or '>' or ' ' or '#' or '=' or '\\'))
                {
                    return false;
                }
                if (!Flush(builder, pending))
                {
                    return false;
                }
                builder.Append(next);
                significant = builder.Length;
                i += 2;
                continue;
            }
            if (c is '"' or '<' or '>' or '\0')
            {
                return false;
            }
            if (!Flush(builder, pending))
            {
                return false;
            }
            builder.Append(c);
            if (c != ' ')
            {
                significant = builder.Length;
            }
            i++;
        }
        if (pending.Count > 0)
        {
            if (!Flush(builder, pending))
            {
                return false;
            }
            significant = builder.Length;
        }
        value = builder.ToString(0, significant);
        return true;
    }

    // Escaped bytes (\c3\a9) form UTF-8 sequences; they must decode to text.
    private static bool Flush(StringBuilder builder, List<byte> pending)
    {
        if (pending.Count == 0)
        {
            return true;
        }
        try
        {
            builder.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. pending]));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        pending.Clear();
        return true;
    }

    // hexstring = SHARP 1*hexpair: the BER encoding of the value. Only string syntaxes are served, so the
    // encoding must be one of the string types.
    private static bool TryParseHexValue(string text, ref int i, out string value)
    {
        value = "";
        var start = ++i;
        while (i < text.Length && char.IsAsciiHexDigit(text[i]))
        {
            i++;
        }
        if (i == start || (i - start) % 2 != 0)
        {
            return false;
        }
        try
        {
            var reader = new AsnReader(Convert.FromHexString(text.AsSpan(start, i - start)), AsnEncodingRules.BER);
            var tag = reader.PeekTag();
            if (tag.TagClass != TagClass.Universal || tag.IsConstructed || tag.TagValue is not
                ((int)UniversalTagNumber.OctetString or (int)UniversalTagNumber.UTF8String or (int)UniversalTagNumber.PrintableString
                or (int)UniversalTagNumber.IA5String))
            {
                return false;
            }
            value = Encoding.UTF8.GetString(reader.PeekContentBytes().Span);
            reader.ReadEncodedValue();
            return !reader.HasData;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static string NormalizeRdn(Rdn rdn)
    {
        if (rdn.Avas.Count == 1)
        {
            return NormalizeAva(rdn.Avas[0]);
        }
        var parts = rdn.Avas.Select(NormalizeAva).ToArray();
        Array.Sort(parts, StringComparer.Ordinal);
        return string.Join("+", parts);
    }

    private static string NormalizeAva(Ava ava)
    {
        var type = Schema.Find(ava.Type)?.Name.ToLowerInvariant() ?? ava.Type.ToLowerInvariant();
        return type + "=" + Escape(Matching.Fold(ava.Value));
    }

    // RFC 4514 2.4: escape the special characters, a leading space or '#', a trailing space, and NUL.
    public static string Escape(string value)
    {
        if (value.Length > 0 && value[0] is not (' ' or '#') && value[^1] != ' ' && value.AsSpan().IndexOfAny("\"+,;<>\\\0") < 0)
        {
            return value;
        }
        var builder = new StringBuilder(value.Length + 8);
        for (var k = 0; k < value.Length; k++)
        {
            var c = value[k];
            if (c == '\0')
            {
                builder.Append("\\00");
            }
            else if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\'
                || (k == 0 && c is ' ' or '#')
                || (k == value.Length - 1 && c == ' '))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
