using System.Text;

namespace Roster.Ldap;

// The string representation of filters (RFC 4515): parsing what people and configuration files write, and
// formatting for logs and tests. Formatting escapes only what RFC 4515 3 requires, so Format(Parse(s)) == s for
// filters written that way.
public static class FilterString
{
    public static Filter Parse(string text)
    {
        var i = 0;
        var filter = ParseFilter(text, ref i, 0);
        if (i != text.Length)
        {
            throw Error(text, i, "text after the filter");
        }
        return filter;
    }

    public static bool TryParse(string text, out Filter? filter)
    {
        try
        {
            filter = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            filter = null;
            return false;
        }
    }

    private static Filter ParseFilter(string text, ref int i, int depth)
    {
        if (depth > Filter.MaxDepth)
        {
            throw Error(text, i, "filter nested too deeply");
        }
        Expect(text, ref i, '(');
        if (i == text.Length)
        {
            throw Error(text, i, "unterminated filter");
        }
        Filter filter;
        switch (text[i])
        {
            case '&' or '|':
            {
                var isAnd = text[i++] == '&';
                var operands = new List<Filter>();
                while (i < text.Length && text[i] == '(')
                {
                    operands.Add(ParseFilter(text, ref i, depth + 1));
                }
                filter = isAnd ? new AndFilter([.. operands]) : new OrFilter([.. operands]);
                break;
            }
            case '!':
                i++;
                filter = new NotFilter(ParseFilter(text, ref i, depth + 1));
                break;
            default:
                filter = ParseItem(text, ref i);
                break;
        }
        Expect(text, ref i, ')');
        return filter;
    }

    private static Filter ParseItem(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or ';' or '.'))
        {
            i++;
        }
        var attribute = text[start..i];
        if (i == text.Length)
        {
            throw Error(text, i, "unterminated filter");
        }
        if (text[i] == ':')
        {
            return ParseExtensible(text, ref i, attribute.Length > 0 ? attribute : null);
        }
        if (attribute.Length == 0)
        {
            throw Error(text, i, "missing attribute description");
        }
        var type = text[i];
        if (type is '~' or '>' or '<')
        {
            i++;
            Expect(text, ref i, '=');
            var value = ParseValue(text, ref i, allowStar: false);
            return type switch
            {
                '~' => new ApproxMatchFilter(attribute, value),
                '>' => new GreaterOrEqualFilter(attribute, value),
                _ => new LessOrEqualFilter(attribute, value),
            };
        }
        Expect(text, ref i, '=');
        var parts = new List<string> { ParseValue(text, ref i, allowStar: true) };
        while (i < text.Length && text[i] == '*')
        {
            i++;
            parts.Add(ParseValue(text, ref i, allowStar: true));
        }
        if (parts.Count == 1)
        {
            return new EqualityFilter(attribute, parts[0]);
        }
        if (parts.Count == 2 && parts[0].Length == 0 && parts[1].Length == 0)
        {
            return new PresentFilter(attribute);
        }
        // any = ASTERISK *(substring ASTERISK): inner parts must not be empty.
        for (var k = 1; k < parts.Count - 1; k++)
        {
            if (parts[k].Length == 0)
            {
                throw Error(text, i, "empty substring between two asterisks");
            }
        }
        return new SubstringFilter(
            attribute,
            parts[0].Length > 0 ? parts[0] : null,
            [.. parts.Skip(1).Take(parts.Count - 2)],
            parts[^1].Length > 0 ? parts[^1] : null);
    }

    // extensible = ( attr [":dn"] [":" oid] ":=" value ) / ( [":dn"] ":" oid ":=" value )
    private static Filter ParseExtensible(string text, ref int i, string? attribute)
    {
        var dnAttributes = false;
        string? rule = null;
        if (string.Compare(text, i, ":dn", 0, 3, StringComparison.OrdinalIgnoreCase) == 0 && i + 3 < text.Length && text[i + 3] == ':')
        {
            dnAttributes = true;
            i += 3;
        }
        if (i + 1 < text.Length && text[i] == ':' && text[i + 1] != '=')
        {
            var start = ++i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.'))
            {
                i++;
            }
            rule = text[start..i];
            if (rule.Length == 0)
            {
                throw Error(text, i, "missing matching rule");
            }
        }
        Expect(text, ref i, ':');
        Expect(text, ref i, '=');
        if (attribute is null && rule is null)
        {
            throw Error(text, i, "an extensible match needs an attribute or a matching rule");
        }
        return new ExtensibleMatchFilter(rule, attribute, ParseValue(text, ref i, allowStar: false), dnAttributes);
    }

    // assertionvalue: UTF-8 text where '(', ')', '*' and '\' appear only escaped as \XX (hex octets forming UTF-8).
    private static string ParseValue(string text, ref int i, bool allowStar)
    {
        var builder = new StringBuilder();
        var bytes = new List<byte>();
        while (i < text.Length && text[i] != ')')
        {
            var c = text[i];
            if (c == '*')
            {
                if (allowStar)
                {
                    break;
                }
                throw Error(text, i, "unescaped '*'");
            }
            if (c == '(')
            {
                throw Error(text, i, "unescaped '('");
            }
            if (c == '\\')
            {
                if (i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
                {
                    bytes.Add(Convert.FromHexString(text.AsSpan(i + 1, 2))[0]);
                    i += 3;
                    continue;
                }
                // RFC 2254 escaped the special characters themselves; old clients still do.
                if (i + 1 < text.Length && text[i + 1] is '*' or '(' or ')' or '\\')
                {
                    Flush(text, i, builder, bytes);
                    builder.Append(text[i + 1]);
                    i += 2;
                    continue;
                }
                throw Error(text, i, "invalid escape");
            }
            Flush(text, i, builder, bytes);
            builder.Append(c);
            i++;
        }
        Flush(text, i, builder, bytes);
        return builder.ToString();
    }

    private static void Flush(string text, int i, StringBuilder builder, List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            return;
        }
        try
        {
            builder.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]));
        }
        catch (DecoderFallbackException)
        {
            throw Error(text, i, "escaped octets are not UTF-8");
        }
        bytes.Clear();
    }

    private static void Expect(string text, ref int i, char expected)
    {
        if (i >= text.Length || text[i] != expected)
        {
            throw Error(text, i, $"expected '{expected}'");
        }
        i++;
    }

    private static FormatException Error(string text, int at, string problem) =>
        new($"Invalid LDAP filter '{text}' at {at}: {problem} (RFC 4515).");

    public static string Format(Filter filter)
    {
        var builder = new StringBuilder();
        Format(filter, builder);
        return builder.ToString();
    }

    private static void Format(Filter filter, StringBuilder builder)
    {
        builder.Append('(');
        switch (filter)
        {
            case AndFilter and:
                builder.Append('&');
                foreach (var operand in and.Filters)
                {
                    Format(operand, builder);
                }
                break;
            case OrFilter or:
                builder.Append('|');
                foreach (var operand in or.Filters)
                {
                    Format(operand, builder);
                }
                break;
            case NotFilter not:
                builder.Append('!');
                Format(not.Filter, builder);
                break;
            case EqualityFilter f:
                builder.Append(f.Attribute).Append('=');
                Escape(f.Value, builder);
                break;
            case GreaterOrEqualFilter f:
                builder.Append(f.Attribute).Append(">=");
                Escape(f.Value, builder);
                break;
            case LessOrEqualFilter f:
                builder.Append(f.Attribute).Append("<=");
                Escape(f.Value, builder);
                break;
            case ApproxMatchFilter f:
                builder.Append(f.Attribute).Append("~=");
                Escape(f.Value, builder);
                break;
            case PresentFilter f:
                builder.Append(f.Attribute).Append("=*");
                break;
            case SubstringFilter f:
                builder.Append(f.Attribute).Append('=');
                Escape(f.Initial ?? "", builder);
                builder.Append('*');
                foreach (var any in f.Any)
                {
                    Escape(any, builder);
                    builder.Append('*');
                }
                Escape(f.Final ?? "", builder);
                break;
            case ExtensibleMatchFilter f:
                builder.Append(f.Type);
                if (f.DnAttributes)
                {
                    builder.Append(":dn");
                }
                if (f.MatchingRule is not null)
                {
                    builder.Append(':').Append(f.MatchingRule);
                }
                builder.Append(":=");
                Escape(f.MatchValue, builder);
                break;
        }
        builder.Append(')');
    }

    private static void Escape(string value, StringBuilder builder)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '*' => builder.Append("\\2a"),
                '(' => builder.Append("\\28"),
                ')' => builder.Append("\\29"),
                '\\' => builder.Append("\\5c"),
                '\0' => builder.Append("\\00"),
                _ => builder.Append(c),
            };
        }
    }
}
