using System.Buffers;
using System.Formats.Asn1;
using System.Runtime.CompilerServices;
using System.Text;

namespace Roster.Ldap;

// The few BER shapes LDAP uses beyond what AsnReader/AsnWriter offer directly. RFC 4511 5.1 restricts BER:
// definite lengths only and OCTET STRINGs in primitive form only, so constructed strings are rejected here
// rather than reassembled.
internal static class Ber
{
    public static string ReadString(AsnReader reader, Asn1Tag? tag = null) => Encoding.UTF8.GetString(ReadPrimitive(reader, tag));

    public static ValueArray<byte> ReadBytes(AsnReader reader, Asn1Tag? tag = null) => new(ReadPrimitive(reader, tag).ToArray());

    public static ReadOnlySpan<byte> ReadPrimitive(AsnReader reader, Asn1Tag? tag = null)
    {
        if (!reader.TryReadPrimitiveOctetString(out var contents, tag ?? Asn1Tag.PrimitiveOctetString))
        {
            throw new AsnContentException("OCTET STRING values must be primitive (RFC 4511 5.1).");
        }
        return contents.Span;
    }

    public static int ReadInt32(AsnReader reader, Asn1Tag? tag = null)
    {
        if (!reader.TryReadInt32(out var value, tag))
        {
            throw new AsnContentException("INTEGER out of range.");
        }
        return value;
    }

    // INTEGER (0 .. maxInt), RFC 4511 4.1.1.
    public static int ReadNonNegative(AsnReader reader, Asn1Tag? tag = null)
    {
        var value = ReadInt32(reader, tag);
        return value >= 0 ? value : throw new AsnContentException("Negative value where 0 .. maxInt is required.");
    }

    public static TEnum ReadEnumerated<TEnum>(AsnReader reader, Asn1Tag? tag = null)
        where TEnum : struct, Enum
    {
        var bytes = reader.ReadEnumeratedBytes(tag);
        if (bytes.Length > 4)
        {
            throw new AsnContentException("ENUMERATED out of range.");
        }
        var value = (bytes.Span[0] & 0x80) != 0 ? -1 : 0;
        foreach (var b in bytes.Span)
        {
            value = (value << 8) | b;
        }
        // Every protocol enum here is int-sized; reinterpreting avoids boxing on each message.
        var result = Unsafe.As<int, TEnum>(ref value);
        return Enum.IsDefined(result) ? result : throw new AsnContentException($"Unknown {typeof(TEnum).Name} {value}.");
    }

    public static void WriteString(AsnWriter writer, string value, Asn1Tag? tag = null)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(value, buffer);
            writer.WriteOctetString(buffer[..length], tag);
            return;
        }
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            writer.WriteOctetString(rented.AsSpan(0, length), tag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // AsnWriter only writes ENUMERATED from a boxed Enum; this writes the same minimal two's-complement TLV directly.
    public static void WriteEnumerated(AsnWriter writer, int value)
    {
        Span<byte> tlv = stackalloc byte[6];
        var length = 4;
        while (length > 1)
        {
            var top = (byte)(value >> ((length - 1) * 8));
            var next = (byte)(value >> ((length - 2) * 8));
            // A leading byte may be dropped when it only repeats the sign of the next one.
            if ((top == 0 && (next & 0x80) == 0) || (top == 0xFF && (next & 0x80) != 0))
            {
                length--;
            }
            else
            {
                break;
            }
        }
        tlv[0] = (byte)UniversalTagNumber.Enumerated;
        tlv[1] = (byte)length;
        for (var i = 0; i < length; i++)
        {
            tlv[2 + i] = (byte)(value >> ((length - 1 - i) * 8));
        }
        writer.WriteEncodedValue(tlv[..(2 + length)]);
    }
}
