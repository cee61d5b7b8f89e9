using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Roster.Oidc;

/// <summary>
/// Writes a signed JWT in the JWS compact serialization (RFC 7515 section 7.1): the base64url of the header
/// (<c>alg</c>, <c>kid</c>, <c>typ</c>), a dot, the base64url of the claims, a dot, the base64url of the
/// signature over the first two parts. RS256 is RSASSA-PKCS1-v1_5 with SHA-256 and ES256 is ECDSA P-256 with
/// SHA-256 as R || S (RFC 7518 sections 3.3 and 3.4). Every grant mints one of these, so it is written
/// straight to bytes; checking tokens stays with Microsoft.IdentityModel.
/// </summary>
public static class Jws
{
    public static string Sign(SecurityKey key, string algorithm, string type, IReadOnlyDictionary<string, object> claims)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("kid", key.KeyId);
            writer.WriteString("typ", type);
            writer.WriteEndObject();
        }
        var headerLength = json.WrittenCount;
        using (var writer = new Utf8JsonWriter(json))
            WriteValue(writer, claims);

        var header = json.WrittenSpan[..headerLength];
        var payload = json.WrittenSpan[headerLength..];
        var input = new byte[Base64Url.GetEncodedLength(header.Length) + 1 + Base64Url.GetEncodedLength(payload.Length)];
        var written = Base64Url.EncodeToUtf8(header, input);
        input[written++] = (byte)'.';
        Base64Url.EncodeToUtf8(payload, input.AsSpan(written));

        var signature = key switch
        {
            RsaSecurityKey { Rsa: { } rsa } when algorithm == SigningAlgorithms.RS256 =>
                rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsaSecurityKey { ECDsa: { } ecdsa } when algorithm == SigningAlgorithms.ES256 =>
                ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => throw new NotSupportedException($"Roster signs {string.Join(" and ", SigningAlgorithms.All)} with their own kind of key, not {algorithm} with {key.GetType().Name}."),
        };
        return string.Concat(Encoding.ASCII.GetString(input), ".", Base64Url.EncodeToString(signature));
    }

    /// <summary>The claim values Roster issues: text, numbers, booleans, lists of text, and objects of those (the logout event).</summary>
    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case IEnumerable<KeyValuePair<string, object>> members:
                writer.WriteStartObject();
                foreach (var (name, member) in members)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, member);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable<string> texts:
                writer.WriteStartArray();
                foreach (var text in texts)
                    writer.WriteStringValue(text);
                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"A claim cannot hold a {value.GetType().Name}.");
        }
    }
}
