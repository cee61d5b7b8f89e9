namespace Roster.DirectoryServer;

/// <summary>
/// What one committed save changed of what LDAP shows: people, groups and apps by id, whether the mail directory
/// changed (it is small, and read again whole), or everything when that is unknown (a lost notification, a change
/// too large to list). It travels between processes as text: a PostgreSQL NOTIFY payload, a row of SQLite's change log.
/// </summary>
public sealed record DirectoryChange(IReadOnlySet<Guid> Users, IReadOnlySet<Guid> Groups, IReadOnlySet<Guid> Apps, bool Everything = false, bool Mail = false)
{
    /// <summary>PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a longer list is sent as "everything".</summary>
    public const int MaxText = 7900;

    private const string EverythingText = "*";
    private const string MailText = "m";

    public static DirectoryChange All { get; } = new(new HashSet<Guid>(), new HashSet<Guid>(), new HashSet<Guid>(), Everything: true);

    public bool IsEmpty => !Everything && !Mail && Users.Count == 0 && Groups.Count == 0 && Apps.Count == 0;

    public static DirectoryChange Merge(IEnumerable<DirectoryChange> changes)
    {
        HashSet<Guid> users = [], groups = [], apps = [];
        var mail = false;
        foreach (var change in changes)
        {
            if (change.Everything)
                return All;
            users.UnionWith(change.Users);
            groups.UnionWith(change.Groups);
            apps.UnionWith(change.Apps);
            mail |= change.Mail;
        }
        return new DirectoryChange(users, groups, apps, Mail: mail);
    }

    /// <summary>"u:&lt;id&gt; g:&lt;id&gt; a:&lt;id&gt;… m" (m: the mail directory), or "*".</summary>
    public string ToText()
    {
        if (Everything)
            return EverythingText;
        var text = string.Join(' ', Users.Select(id => "u:" + id.ToString("N")).Concat(Groups.Select(id => "g:" + id.ToString("N"))).Concat(Apps.Select(id => "a:" + id.ToString("N")))
            .Concat(Mail ? [MailText] : []));
        return text.Length > MaxText ? EverythingText : text;
    }

    /// <summary>Reads <see cref="ToText"/>; anything it did not write means "everything", which is always correct.</summary>
    public static DirectoryChange Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return All;
        HashSet<Guid> users = [], groups = [], apps = [];
        var mail = false;
        foreach (var item in text.Split(' '))
        {
            if (item == MailText)
            {
                mail = true;
                continue;
            }
            if (item.Length < 3 || item[1] != ':' || !Guid.TryParseExact(item.AsSpan(2), "N", out var id))
                return All;
            var set = item[0] switch { 'u' => users, 'g' => groups, 'a' => apps, _ => null };
            if (set is null)
                return All;
            set.Add(id);
        }
        return new DirectoryChange(users, groups, apps, Mail: mail);
    }
}
