namespace Roster.Ldap;

// One attribute of an entry: its type and its values as strings (every served syntax is a string).
public sealed class EntryAttribute
{
    private string[]? _normalizedDnValues;

    public EntryAttribute(AttributeType type, params IEnumerable<string> values)
    {
        Type = type;
        Values = new ValueArray<string>(values.ToArray());
    }

    public AttributeType Type { get; }

    public ValueArray<string> Values { get; }

    // DN-valued attributes (member, memberOf) are compared in normalized form; an entry normalizes its values once,
    // however many searches evaluate it while the host caches it. Values that are not DNs never match.
    internal string[] NormalizedDnValues => _normalizedDnValues ??= Values
        .Select(v => DistinguishedName.TryParse(v, out var dn) ? dn.Normalized : "\0")
        .ToArray();
}

// An entry of the directory. Immutable, so the host may build it once and serve it to every search until the
// person or group changes.
public sealed class DirectoryEntry
{
    private readonly EntryAttribute[] _attributes;

    public DirectoryEntry(DistinguishedName dn, params IEnumerable<EntryAttribute> attributes)
    {
        Dn = dn;
        _attributes = attributes.ToArray();
        DnText = dn.ToString();
    }

    public DistinguishedName Dn { get; }

    // The DN as sent in SearchResultEntry.objectName.
    internal string DnText { get; }

    public IReadOnlyList<EntryAttribute> Attributes => _attributes;

    internal ReadOnlySpan<EntryAttribute> AttributeSpan => _attributes;

    public EntryAttribute? Find(AttributeType type)
    {
        foreach (var attribute in _attributes)
        {
            if (ReferenceEquals(attribute.Type, type))
            {
                return attribute;
            }
        }
        return null;
    }

    public override string ToString() => DnText;
}
