using System.Text;
using System.Text.RegularExpressions;

namespace Roster.Tests.Infrastructure;

/// <summary>An email as it arrived (an .eml file or a Maildir entry), decoded just enough to read it like a person.</summary>
public sealed partial record ReceivedMail(string To, string Subject, string MessageId, string Text, string Html)
{
    public string Link(string path) =>
        LinkPattern().Matches(Text).Select(m => m.Value).FirstOrDefault(url => new Uri(url).AbsolutePath.StartsWith(path, StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"No link to {path} in: {Text}");

    /// <summary>Every message in a folder of raw messages (Roster's .eml folder, or a Maildir's new/ and cur/).</summary>
    public static IReadOnlyList<ReceivedMail> ReadFolder(string folder) =>
        !Directory.Exists(folder) ? []
        : [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != "tmp")
            .Select(f => Parse(File.ReadAllText(f)))];

    public static ReceivedMail Parse(string raw)
    {
        var (headers, body) = SplitHeaders(raw);
        var parts = new List<(Dictionary<string, string> Headers, string Body)>();
        CollectParts(headers, body, parts);
        string PartOf(string type) => parts
            .Where(p => Header(p.Headers, "Content-Type").StartsWith(type, StringComparison.OrdinalIgnoreCase))
            .Select(p => Decode(p.Body, Header(p.Headers, "Content-Transfer-Encoding"), Charset(Header(p.Headers, "Content-Type"))))
            .FirstOrDefault() ?? "";
        return new ReceivedMail(
            DecodeWords(Header(headers, "To")),
            DecodeWords(Header(headers, "Subject")),
            Header(headers, "Message-ID"),
            PartOf("text/plain"),
            PartOf("text/html"));
    }

    private static void CollectParts(Dictionary<string, string> headers, string body, List<(Dictionary<string, string>, string)> parts)
    {
        var type = Header(headers, "Content-Type");
        var boundary = BoundaryPattern().Match(type);
        if (!type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) || !boundary.Success)
        {
            parts.Add((headers, body));
            return;
        }
        var delimiter = "--" + boundary.Groups[1].Value;
        foreach (var chunk in body.Split(delimiter).Skip(1))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal))
                break;
            var (partHeaders, partBody) = SplitHeaders(chunk.TrimStart('\r', '\n'));
            CollectParts(partHeaders, partBody, parts);
        }
    }

    private static (Dictionary<string, string>, string) SplitHeaders(string raw)
    {
        var text = raw.Replace("\r\n", "\n");
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var body = end < 0 ? "" : text[(end + 2)..];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in head.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && last is not null)
                headers[last] += " " + line.Trim();
            else if (line.IndexOf(':') is var colon and > 0)
                headers[last = line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return (headers, body);
    }

    private static string Header(Dictionary<string, string> headers, string name) => headers.GetValueOrDefault(name) ?? "";

    private static Encoding Charset(string contentType)
    {
        var match = CharsetPattern().Match(contentType);
        return match.Success ? Encoding.GetEncoding(match.Groups[1].Value) : Encoding.UTF8;
    }

    private static string Decode(string body, string transferEncoding, Encoding charset) => transferEncoding.ToLowerInvariant() switch
    {
        "base64" => charset.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))))),
        "quoted-printable" => charset.GetString(QuotedPrintable(body.Replace("=\n", ""))),
        _ => body,
    };

    private static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
        }
        return [.. bytes];
    }

    private static string DecodeWords(string value) => EncodedWord().Replace(value, m =>
    {
        var charset = Encoding.GetEncoding(m.Groups[1].Value);
        var text = m.Groups[3].Value;
        return m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? charset.GetString(Convert.FromBase64String(text))
            : charset.GetString(QuotedPrintable(text.Replace('_', ' ')));
    }).Replace("?= =?", "");

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"boundary=""?([^"";]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex(@"charset=""?([^"";\s]+)""?", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetPattern();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
