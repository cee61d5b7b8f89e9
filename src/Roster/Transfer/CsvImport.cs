using System.Text;

namespace Roster.Transfer;

/// <summary>
/// People from CSV (RFC 4180: comma-separated, double quotes around fields that hold commas, quotes or line breaks, a
/// quote inside doubled). The header row names the columns, in any order: username, email, name (required),
/// role, groups (separated by ';'), password_hash, enabled (true/false, default true). Line numbers are the file's
/// own, so a quoted field that spans lines does not shift the ones after it.
/// </summary>
public static class CsvImport
{
    public static readonly string[] Required = ["username", "email", "name"];
    public static readonly string[] Columns = ["username", "email", "name", "role", "groups", "password_hash", "enabled"];

    public static ImportSource Read(string text)
    {
        var source = new ImportSource();
        var records = Records(text, source.Problems).ToList();
        if (records.Count == 0)
        {
            source.Problems.Add(new(1, "The file is empty: the first line must name the columns (username,email,name,…)."));
            return source;
        }
        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var unknown = header.Where(h => !Columns.Contains(h)).ToList();
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (unknown.Count > 0 || missing.Count > 0 || header.Distinct().Count() != header.Count)
        {
            source.Problems.Add(new(records[0].Line, "The header row must name the columns " + string.Join(",", Columns) +
                " (username, email and name required, each once)" + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : "") +
                (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : "") + "."));
            return source;
        }
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
                continue;
            if (fields.Count != header.Count)
            {
                source.Problems.Add(new(line, $"The row has {fields.Count} fields; the header has {header.Count}."));
                continue;
            }
            string Get(string column) => header.IndexOf(column) is var i and >= 0 ? fields[i].Trim() : "";
            var enabled = Get("enabled").ToLowerInvariant();
            if (enabled is not ("" or "true" or "false" or "yes" or "no" or "1" or "0"))
            {
                source.Problems.Add(new(line, $"enabled must be true or false, not \"{enabled}\"."));
                continue;
            }
            source.People.Add(new IncomingPerson(line, Get("username"), Get("email"), Get("name"),
                Get("role") is { Length: > 0 } role ? role : null, enabled is not ("false" or "no" or "0"),
                Get("password_hash") is { Length: > 0 } hash ? hash : null,
                [.. Get("groups").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));
        }
        return source;
    }

    private sealed record Row(int Line, List<string> Fields);

    /// <summary>The records of the file; broken quoting is reported at the line where the record starts, and the record dropped.</summary>
    private static IEnumerable<Row> Records(string text, List<ImportProblem> problems)
    {
        var line = 1;
        var i = 0;
        if (text.StartsWith('\uFEFF'))
            i = 1;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            string? broken = null;
            var quoted = false;
            var afterQuote = false;
            var atFieldStart = true;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') { quoted = false; afterQuote = true; }
                    else { if (c == '\n') line++; field.Append(c); }
                    continue;
                }
                if (c == ',') { fields.Add(field.ToString()); field.Clear(); afterQuote = false; atFieldStart = true; continue; }
                if (c is '\r' or '\n')
                {
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    i++;
                    line++;
                    break;
                }
                if (c == '"' && atFieldStart) { quoted = true; atFieldStart = false; continue; }
                if (afterQuote || c == '"')
                    broken ??= afterQuote ? "text follows a closing quote (a quote inside a quoted field is written twice: \"\")."
                        : "a quote appears inside an unquoted field (quote the whole field and double the quote).";
                atFieldStart = false;
                field.Append(c);
            }
            if (quoted)
                broken = "a quoted field is never closed: the file ends inside it.";
            fields.Add(field.ToString());
            if (broken is not null)
                problems.Add(new(start, "Broken CSV quoting: " + broken));
            else
                yield return new Row(start, fields);
        }
    }
}
