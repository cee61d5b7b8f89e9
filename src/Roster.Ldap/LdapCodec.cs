using System.Buffers;
using System.Formats.Asn1;

namespace Roster.Ldap;

// A PDU that cannot be decoded. RFC 4511 4.1.1: the server answers it with a Notice of Disconnection
// (protocolError) and ends the session.
public sealed class LdapProtocolException(string message, Exception? inner = null) : Exception(message, inner);

// BER encoding and decoding of LDAPMessage (RFC 4511 section 4 and appendix B), restricted as 5.1 says: definite
// lengths, primitive OCTET STRINGs. This half frames and decodes; LdapCodec.Write.cs encodes.
public static partial class LdapCodec
{
    private static Asn1Tag App(int value, bool constructed = true) => new(TagClass.Application, value, constructed);

    private static Asn1Tag Context(int value, bool constructed = false) => new(TagClass.ContextSpecific, value, constructed);

    private static readonly Asn1Tag ControlsTag = Context(0, constructed: true);
    private static readonly Asn1Tag ReferralTag = Context(3, constructed: true);

    // The length of the LDAPMessage at the start of `buffer` once all of it has arrived. The outer length is checked
    // against maxSize before any byte of the body is awaited, so a peer cannot make the server buffer more.
    public static bool TryGetFrameLength(in ReadOnlySequence<byte> buffer, int maxSize, out int frameLength)
    {
        frameLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var tag))
        {
            return false;
        }
        if (tag != 0x30)
        {
            throw new LdapProtocolException("An LDAPMessage must start with a SEQUENCE tag.");
        }
        if (!reader.TryRead(out var first))
        {
            return false;
        }
        long length;
        var header = 2;
        if (first < 0x80)
        {
            length = first;
        }
        else if (first == 0x80)
        {
            throw new LdapProtocolException("Indefinite lengths are not allowed (RFC 4511 5.1).");
        }
        else
        {
            var count = first & 0x7F;
            if (count > 4)
            {
                throw new LdapProtocolException("Message length out of range.");
            }
            length = 0;
            for (var k = 0; k < count; k++)
            {
                if (!reader.TryRead(out var b))
                {
                    return false;
                }
                length = (length << 8) | b;
            }
            header += count;
        }
        if (header + length > maxSize)
        {
            throw new LdapProtocolException($"Message of {header + length} bytes exceeds the limit of {maxSize}.");
        }
        if (buffer.Length < header + length)
        {
            return false;
        }
        frameLength = (int)(header + length);
        return true;
    }

    public static LdapMessage Decode(ReadOnlyMemory<byte> pdu)
    {
        try
        {
            var outer = new AsnReader(pdu, AsnEncodingRules.BER);
            var message = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var id = Ber.ReadNonNegative(message);
            var op = ReadProtocolOp(message);
            ValueArray<Control> controls = default;
            if (message.HasData)
            {
                controls = ReadControls(message.ReadSequence(ControlsTag));
            }
            message.ThrowIfNotEmpty();
            return new LdapMessage(id, op, controls);
        }
        catch (AsnContentException e)
        {
            throw new LdapProtocolException("Malformed LDAPMessage: " + e.Message, e);
        }
    }

    private static ProtocolOp ReadProtocolOp(AsnReader message)
    {
        var tag = message.PeekTag();
        if (tag.TagClass != TagClass.Application)
        {
            throw new AsnContentException("Unknown protocol operation.");
        }
        switch (tag.TagValue)
        {
            case 0 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var version = Ber.ReadInt32(s);
                var name = Ber.ReadString(s);
                var authTag = s.PeekTag();
                BindAuthentication auth;
                if (authTag.HasSameClassAndValue(Context(0)) && !authTag.IsConstructed)
                {
                    auth = new SimpleAuthentication(Ber.ReadString(s, Context(0)));
                }
                else if (authTag.HasSameClassAndValue(Context(3)) && authTag.IsConstructed)
                {
                    var sasl = s.ReadSequence(Context(3, constructed: true));
                    var mechanism = Ber.ReadString(sasl);
                    ValueArray<byte>? credentials = sasl.HasData ? Ber.ReadBytes(sasl) : null;
                    sasl.ThrowIfNotEmpty();
                    auth = new SaslAuthentication(mechanism, credentials);
                }
                else
                {
                    throw new AsnContentException("Unknown authentication choice.");
                }
                s.ThrowIfNotEmpty();
                return new BindRequest(version, name, auth);
            }
            case 1 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var result = ReadResult(s);
                ValueArray<byte>? creds = s.HasData ? Ber.ReadBytes(s, Context(7)) : null;
                s.ThrowIfNotEmpty();
                return new BindResponse(result, creds);
            }
            case 2 when !tag.IsConstructed:
                message.ReadNull(tag);
                return new UnbindRequest();
            case 3 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var request = new SearchRequest(
                    Ber.ReadString(s),
                    Ber.ReadEnumerated<SearchScope>(s),
                    Ber.ReadEnumerated<DerefAliases>(s),
                    Ber.ReadNonNegative(s),
                    Ber.ReadNonNegative(s),
                    s.ReadBoolean(),
                    Filter.Read(s),
                    ReadStrings(s.ReadSequence()));
                s.ThrowIfNotEmpty();
                return request;
            }
            case 4 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var entry = new SearchResultEntry(Ber.ReadString(s), ReadAttributes(s.ReadSequence()));
                s.ThrowIfNotEmpty();
                return entry;
            }
            case 5 or 7 or 9 or 11 or 13 or 15 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var result = ReadResult(s);
                s.ThrowIfNotEmpty();
                return tag.TagValue switch
                {
                    5 => new SearchResultDone(result),
                    7 => new ModifyResponse(result),
                    9 => new AddResponse(result),
                    11 => new DelResponse(result),
                    13 => new ModifyDNResponse(result),
                    _ => new CompareResponse(result),
                };
            }
            case 6 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var name = Ber.ReadString(s);
                var changes = new List<Change>();
                var list = s.ReadSequence();
                while (list.HasData)
                {
                    var change = list.ReadSequence();
                    var operation = Ber.ReadEnumerated<ModifyOperation>(change);
                    var modification = ReadAttribute(change.ReadSequence());
                    change.ThrowIfNotEmpty();
                    changes.Add(new Change(operation, modification));
                }
                s.ThrowIfNotEmpty();
                return new ModifyRequest(name, [.. changes]);
            }
            case 8 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var request = new AddRequest(Ber.ReadString(s), ReadAttributes(s.ReadSequence()));
                s.ThrowIfNotEmpty();
                return request;
            }
            case 10 when !tag.IsConstructed:
                return new DelRequest(Ber.ReadString(message, tag));
            case 12 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var entry = Ber.ReadString(s);
                var newRdn = Ber.ReadString(s);
                var deleteOld = s.ReadBoolean();
                var newSuperior = s.HasData ? Ber.ReadString(s, Context(0)) : null;
                s.ThrowIfNotEmpty();
                return new ModifyDNRequest(entry, newRdn, deleteOld, newSuperior);
            }
            case 14 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var entry = Ber.ReadString(s);
                var ava = s.ReadSequence();
                var request = new CompareRequest(entry, Ber.ReadString(ava), Ber.ReadString(ava));
                ava.ThrowIfNotEmpty();
                s.ThrowIfNotEmpty();
                return request;
            }
            case 16 when !tag.IsConstructed:
                return new AbandonRequest(Ber.ReadNonNegative(message, tag));
            case 19 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var uris = ReadStrings(s);
                return uris.IsEmpty ? throw new AsnContentException("A search result reference needs a URI.") : new SearchResultReference(uris);
            }
            case 23 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var name = Ber.ReadString(s, Context(0));
                ValueArray<byte>? value = s.HasData ? Ber.ReadBytes(s, Context(1)) : null;
                s.ThrowIfNotEmpty();
                return new ExtendedRequest(name, value);
            }
            case 24 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var result = ReadResult(s);
                var name = s.HasData && s.PeekTag().HasSameClassAndValue(Context(10)) ? Ber.ReadString(s, Context(10)) : null;
                ValueArray<byte>? value = s.HasData ? Ber.ReadBytes(s, Context(11)) : null;
                s.ThrowIfNotEmpty();
                return new ExtendedResponse(result, name, value);
            }
            case 25 when tag.IsConstructed:
            {
                var s = message.ReadSequence(tag);
                var name = s.HasData && s.PeekTag().HasSameClassAndValue(Context(0)) ? Ber.ReadString(s, Context(0)) : null;
                ValueArray<byte>? value = s.HasData ? Ber.ReadBytes(s, Context(1)) : null;
                s.ThrowIfNotEmpty();
                return new IntermediateResponse(name, value);
            }
            default:
                throw new AsnContentException("Unknown protocol operation.");
        }
    }

    private static LdapResult ReadResult(AsnReader s)
    {
        var code = Ber.ReadEnumerated<ResultCode>(s);
        var matched = Ber.ReadString(s);
        var diagnostic = Ber.ReadString(s);
        ValueArray<string> referral = default;
        if (s.HasData && s.PeekTag().HasSameClassAndValue(ReferralTag))
        {
            referral = ReadStrings(s.ReadSequence(ReferralTag));
        }
        return new LdapResult(code, matched, diagnostic, referral);
    }

    private static ValueArray<Control> ReadControls(AsnReader list)
    {
        var controls = new List<Control>();
        while (list.HasData)
        {
            var s = list.ReadSequence();
            var type = Ber.ReadString(s);
            var critical = s.HasData && s.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && s.ReadBoolean();
            ValueArray<byte>? value = s.HasData ? Ber.ReadBytes(s) : null;
            s.ThrowIfNotEmpty();
            controls.Add(new Control(type, critical, value));
        }
        return [.. controls];
    }

    private static ValueArray<string> ReadStrings(AsnReader list)
    {
        if (!list.HasData)
        {
            return default;
        }
        var values = new List<string>();
        while (list.HasData)
        {
            values.Add(Ber.ReadString(list));
        }
        return [.. values];
    }

    private static ValueArray<PartialAttribute> ReadAttributes(AsnReader list)
    {
        var attributes = new List<PartialAttribute>();
        while (list.HasData)
        {
            attributes.Add(ReadAttribute(list.ReadSequence()));
        }
        return [.. attributes];
    }

    private static PartialAttribute ReadAttribute(AsnReader s)
    {
        var type = Ber.ReadString(s);
        var values = ReadStrings(s.ReadSetOf());
        s.ThrowIfNotEmpty();
        return new PartialAttribute(type, values);
    }
}
