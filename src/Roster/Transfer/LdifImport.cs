using System.Text;

namespace Roster.Transfer;

/// <summary>
/// People and groups from an LDIF dump of another directory (RFC 2849; what slapcat, ldapsearch -L, LLDAP or 389-ds's
/// db2ldif write): inetOrgPerson/posixAccount people with uid, mail, cn and userPassword; groupOfNames,
/// groupOfUniqueNames and posixGroup groups with their members. Folded lines, base64 values (<c>::</c>) and comments are
/// read; change records and values by URL (<c>:&lt;</c>) are refused. Other entries (the base, organisational units) are skipped.
/// </summary>
public static class LdifImport
{
    private static readonly string[] PersonClasses = ["inetorgperson", "posixaccount", "person", "organizationalperson", "account"];
    private static readonly string[] GroupClasses = ["groupofnames", "groupofuniquenames", "posixgroup"];

    public static ImportSource Read(string text)
    {
        var source = new ImportSource();
        var entries = Entries(text, source.Problems).ToList();
        var people = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries.Where(e => e.Has("objectclass", PersonClasses) && !e.Has("objectclass", GroupClasses)))
        {
            var username = entry.First("uid") ?? "";
            var name = entry.First("displayname") ?? entry.First("cn") ??
                string.Join(' ', new[] { entry.First("givenname"), entry.First("sn") }.OfType<string>());
            var locked = string.Equals(entry.First("nsaccountlock"), "true", StringComparison.OrdinalIgnoreCase) || entry.First("pwdaccountlockedtime") is not null;
            var passwords = entry.All("userpassword");
            if (passwords.Count > 1)
                source.Problems.Add(new(entry.Line, $"{entry.Dn} has {passwords.Count} userPassword values; Roster keeps one password per person."));
            source.People.Add(new IncomingPerson(entry.Line, username, entry.First("mail") ?? "", name, null, !locked, passwords.FirstOrDefault(), []));
            people[NormalizeDn(entry.Dn)] = username;
        }
        foreach (var entry in entries.Where(e => e.Has("objectclass", GroupClasses)))
        {
            var name = entry.First("cn") ?? "";
            source.Groups.Add(new IncomingGroup(entry.Line, name, entry.First("description") ?? ""));
            var members = entry.All("member").Concat(entry.All("uniquemember").Select(m => m.Split('#')[0]))
                .Select(dn => people.GetValueOrDefault(NormalizeDn(dn)) ?? UidOf(dn))
                .Concat(entry.All("memberuid"));
            foreach (var member in members.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
                source.Memberships.Add(new IncomingMembership(entry.Line, name, member));
        }
        return source;
    }

    private static string NormalizeDn(string dn) => string.Join(",", dn.Split(',').Select(part => part.Trim().ToLowerInvariant()));

    private static string? UidOf(string dn) =>
        dn.Split(',')[0].Split('=', 2) is [var attribute, var value] && attribute.Trim().Equals("uid", StringComparison.OrdinalIgnoreCase) ? value.Trim() : null;

    private const string Reported = "(reported)";

    private sealed record Entry(int Line, string Dn, List<(string Name, string Value)> Attributes)
    {
        public List<string> All(string name) => [.. Attributes.Where(a => a.Name == name).Select(a => a.Value)];
        public string? First(string name) => Attributes.FirstOrDefault(a => a.Name == name).Value is { Length: > 0 } value ? value : null;
        public bool Has(string name, string[] values) => Attributes.Any(a => a.Name == name && values.Contains(a.Value.ToLowerInvariant()));
    }

    /// <summary>Entries of the file, each with the line of its dn; an entry with an unreadable line is reported and dropped.</summary>
    private static IEnumerable<Entry> Entries(string text, List<ImportProblem> problems)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var logical = new List<(int Line, string Text)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith(' ') && logical.Count > 0 && logical[^1].Text.Length > 0)
                logical[^1] = (logical[^1].Line, logical[^1].Text + line[1..]);  // RFC 2849 folding: one leading space continues the line
            else
                logical.Add((i + 1, line));
        }
        Entry? current = null;
        string? broken = null;
        foreach (var (number, line) in logical.Append((lines.Length + 1, "")))
        {
            if (line.StartsWith('#'))
                continue;
            if (line.Length == 0)
            {
                if (current is not null && broken is null)
                    yield return current;
                else if (current is not null && broken != Reported)
                    problems.Add(new(current.Line, broken!));
                current = null;
                broken = null;
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                broken ??= $"line {number} is not \"attribute: value\".";
                current ??= new Entry(number, "", []);
                continue;
            }
            var name = line[..colon].Split(';')[0].Trim().ToLowerInvariant();
            var rest = line[(colon + 1)..];
            string value;
            if (rest.StartsWith(':'))
            {
                try { value = Encoding.UTF8.GetString(Convert.FromBase64String(rest[1..].Trim())); }
                catch (FormatException) { broken ??= $"the base64 value of {name} on line {number} is not valid base64."; value = ""; }
            }
            else if (rest.StartsWith('<'))
            {
                broken ??= $"{name} on line {number} takes its value from a URL, which an import does not fetch.";
                value = "";
            }
            else
                value = rest.TrimStart(' ');
            if (current is null)
            {
                if (name == "version")
                    continue;
                if (name != "dn")
                {
                    problems.Add(new(number, $"An entry must start with dn:, not {name}:."));
                    current = new Entry(number, "", []);
                    broken = Reported;
                    continue;
                }
                current = new Entry(number, value, []);
                continue;
            }
            if (name == "changetype")
                broken ??= $"the entry is a change record (changetype: {value}); an import reads a dump of entries, such as slapcat writes.";
            current.Attributes.Add((name, value));
        }
    }
}
