using System.Buffers.Binary;
using System.Formats.Asn1;

namespace Roster.Ldap;

// The client's half of the paged results control (RFC 2696): the page size it wants and the cookie of the page
// before (empty on the first request).
internal sealed record PageRequest(int Size, ValueArray<byte> Cookie);

// Simple Paged Results Manipulation (RFC 2696). The first request runs the search once and keeps the matching
// entries (references to immutable entries) on the connection; each later request with the cookie returns the next
// page, so pages are consistent and the host is asked once. The last page carries an empty cookie.
internal static class Paging
{
    public const string Oid = "1.2.840.113556.1.4.319";

    // realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }
    public static bool TryParseRequest(ValueArray<byte>? value, out PageRequest? request)
    {
        request = null;
        if (value is not { } bytes)
        {
            return false;
        }
        try
        {
            var outer = new AsnReader(bytes.AsSpan().ToArray(), AsnEncodingRules.BER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var size = Ber.ReadNonNegative(sequence);
            var cookie = Ber.ReadBytes(sequence);
            sequence.ThrowIfNotEmpty();
            request = new PageRequest(size, cookie);
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    public static Control Response(int total, ValueArray<byte> cookie) => new(Oid, false, Encode(total, cookie));

    public static Control Request(int size, ValueArray<byte> cookie = default, bool critical = false) => new(Oid, critical, Encode(size, cookie));

    private static ValueArray<byte> Encode(int size, ValueArray<byte> cookie)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(size);
            writer.WriteOctetString(cookie.AsSpan());
        }
        return new ValueArray<byte>(writer.Encode());
    }

    // The size and cookie of a response control, for clients and tests.
    public static (int Size, ValueArray<byte> Cookie) ReadResponse(ValueArray<Control> controls)
    {
        foreach (var control in controls)
        {
            if (control.ControlType == Oid && TryParseRequest(control.ControlValue, out var parsed))
            {
                return (parsed!.Size, parsed.Cookie);
            }
        }
        throw new InvalidOperationException("No paged results control.");
    }
}

internal sealed partial class LdapConnection
{
    private sealed class PagedSearch(int cookie, string key, List<DirectoryEntry> entries, bool sizeLimitExceeded)
    {
        public int Cookie { get; } = cookie;
        // The search a cookie belongs to: RFC 2696 requires the same request on every page.
        public string Key { get; } = key;
        public List<DirectoryEntry> Entries { get; } = entries;
        public bool SizeLimitExceeded { get; } = sizeLimitExceeded;
        public int Next { get; set; }
    }

    private readonly List<PagedSearch> _pagedSearches = [];
    private int _lastCookie;

    private static string PagedKey(DistinguishedName baseDn, SearchRequest request) =>
        $"{baseDn.Normalized}|{(int)request.Scope}|{request.Filter}";

    private void StartPagedSearch(int id, SearchRequest request, DistinguishedName baseDn, PageRequest page, List<DirectoryEntry> entries, bool exceeded, in AttributeSelection selection)
    {
        var search = new PagedSearch(++_lastCookie, PagedKey(baseDn, request), entries, exceeded);
        ServePage(id, request, search, page.Size, selection);
        if (search.Next < search.Entries.Count)
        {
            if (_pagedSearches.Count >= Options.MaxPagedSearches)
            {
                _pagedSearches.RemoveAt(0);
            }
            _pagedSearches.Add(search);
        }
    }

    private void ContinuePagedSearch(int id, SearchRequest request, DistinguishedName baseDn, PageRequest page, in AttributeSelection selection)
    {
        var index = page.Cookie.Count == 4 ? _pagedSearches.FindIndex(s => s.Cookie == BinaryPrimitives.ReadInt32BigEndian(page.Cookie.AsSpan())) : -1;
        if (index < 0 || _pagedSearches[index].Key != PagedKey(baseDn, request))
        {
            SendDone(id, LdapResult.Error(ResultCode.UnwillingToPerform, "Unknown or expired paged results cookie."), page);
            return;
        }
        var search = _pagedSearches[index];
        if (page.Size == 0)
        {
            // Size 0 with a cookie abandons the paged search (RFC 2696 3).
            _pagedSearches.RemoveAt(index);
            SendDone(id, LdapResult.Success, page, total: search.Entries.Count);
            return;
        }
        ServePage(id, request, search, page.Size, selection);
        if (search.Next >= search.Entries.Count)
        {
            _pagedSearches.Remove(search);
        }
    }

    private void ServePage(int id, SearchRequest request, PagedSearch search, int size, in AttributeSelection selection)
    {
        if (Options.SizeLimit > 0 && size > Options.SizeLimit)
        {
            size = Options.SizeLimit;
        }
        var end = Math.Min(search.Entries.Count, search.Next + size);
        for (var i = search.Next; i < end; i++)
        {
            WriteEntry(id, search.Entries[i], selection, request.TypesOnly);
        }
        search.Next = end;
        var last = end >= search.Entries.Count;
        var cookie = last ? default : new ValueArray<byte>(BigEndian(search.Cookie));
        var result = last && search.SizeLimitExceeded
            ? LdapResult.Error(ResultCode.SizeLimitExceeded, $"Size limit of {request.SizeLimit} entries exceeded.")
            : LdapResult.Success;
        Send(id, new SearchResultDone(result), [Paging.Response(search.Entries.Count, cookie)]);
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
