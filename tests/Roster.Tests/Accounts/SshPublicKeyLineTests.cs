using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Roster.Accounts;

namespace Roster.Tests.Accounts;

/// <summary>
/// Reading a pasted public key line: every type OpenSSH's ssh-keygen makes, read with the fingerprint and size
/// ssh-keygen itself reports, and everything else refused with a reason: garbage, a blob of another type, a broken
/// structure, a point off its curve, weak RSA, options, private keys, oversized input.
/// </summary>
public sealed class SshPublicKeyLineTests
{
    [Theory]
    [InlineData("ed25519", null, "ED25519")]
    [InlineData("ecdsa", 256, "ECDSA")]
    [InlineData("ecdsa", 384, "ECDSA")]
    [InlineData("ecdsa", 521, "ECDSA")]
    [InlineData("rsa", 2048, "RSA")]
    public async Task EveryKeyTypeSshKeygenMakesIsReadWithTheFingerprintAndSizeSshKeygenReports(string type, int? bits, string label)
    {
        var line = await SshKeygen.SharedAsync(type, bits);

        var parsed = SshPublicKeyLine.Parse(line);

        Assert.True(parsed.Succeeded, string.Join(" ", parsed.Errors.Select(e => e.Message)));
        var key = parsed.Value!;
        Assert.Equal($"{key.Bits} {key.Fingerprint} test@host ({label})", await SshKeygen.FingerprintLineAsync(line));
        Assert.Equal(line, key.Line);
    }

    [Fact]
    public async Task SurroundingSpaceIsDroppedAndTheCommentIsOptional()
    {
        var line = await SshKeygen.SharedAsync("ed25519");
        var bare = string.Join(' ', line.Split(' ')[..2]);

        var padded = SshPublicKeyLine.Parse("  " + line + "\n");
        var uncommented = SshPublicKeyLine.Parse(bare);

        Assert.Equal(line, padded.Value!.Line);
        Assert.Equal(("", bare), (uncommented.Value!.Comment, uncommented.Value.Line));
    }

    [Fact]
    public async Task SecurityKeyTypesAreReadWhenWellFormed()
    {
        var ecdsa = Convert.FromBase64String((await SshKeygen.SharedAsync("ecdsa", 256)).Split(' ')[1]);
        var point = Fields(ecdsa)[2];
        var skEd = Blob("sk-ssh-ed25519@openssh.com", RandomNumberGenerator.GetBytes(32), "ssh:"u8.ToArray());
        var skEcdsa = Blob("sk-ecdsa-sha2-nistp256@openssh.com", "nistp256"u8.ToArray(), point, "ssh:"u8.ToArray());

        var ed = SshPublicKeyLine.Parse($"sk-ssh-ed25519@openssh.com {Convert.ToBase64String(skEd)} yubikey");
        var ec = SshPublicKeyLine.Parse($"sk-ecdsa-sha2-nistp256@openssh.com {Convert.ToBase64String(skEcdsa)}");

        Assert.Equal((256, "yubikey"), (ed.Value!.Bits, ed.Value.Comment));
        Assert.Equal(256, ec.Value!.Bits);
    }

    public static TheoryData<string, string> Refused()
    {
        var ed25519 = Blob("ssh-ed25519", RandomNumberGenerator.GetBytes(32));
        var data = new TheoryData<string, string>
        {
            { "", "ssh_key.required" },
            { "hello world", "ssh_key.type" },
            { "ssh-ed25519", "ssh_key.invalid" },
            { "ssh-ed25519 !!!not-base64!!!", "ssh_key.invalid" },
            // A valid ed25519 blob labelled as another type, and a blob whose inner type is another.
            { "ssh-rsa " + Convert.ToBase64String(ed25519), "ssh_key.invalid" },
            { "ssh-ed25519 " + Convert.ToBase64String(Blob("ssh-rsa", [1, 0, 1], RandomNumberGenerator.GetBytes(256))), "ssh_key.invalid" },
            // Broken structures: a short key, a byte too many, a length past the end.
            { "ssh-ed25519 " + Convert.ToBase64String(Blob("ssh-ed25519", RandomNumberGenerator.GetBytes(31))), "ssh_key.invalid" },
            { "ssh-ed25519 " + Convert.ToBase64String([.. ed25519, 0]), "ssh_key.invalid" },
            { "ssh-ed25519 " + Convert.ToBase64String([.. Blob("ssh-ed25519")[..15], 0xff, 0xff, 0xff, 0xff]), "ssh_key.invalid" },
            // A point that is not on P-256.
            { "ecdsa-sha2-nistp256 " + Convert.ToBase64String(Blob("ecdsa-sha2-nistp256", "nistp256"u8.ToArray(), [4, .. new byte[64]])), "ssh_key.invalid" },
            { "ssh-dss AAAAB3NzaC1kc3MAAACBAP1", "ssh_key.type" },
            { "ssh-ed25519-cert-v01@openssh.com AAAA", "ssh_key.type" },
            { "from=\"10.0.0.1\" ssh-ed25519 " + Convert.ToBase64String(ed25519), "ssh_key.options" },
            { "ssh-ed25519 " + Convert.ToBase64String(ed25519) + "\nssh-ed25519 " + Convert.ToBase64String(ed25519), "ssh_key.lines" },
            { "ssh-ed25519 " + Convert.ToBase64String(ed25519) + " evil\u202Eexe.txt", "ssh_key.comment" },
            { "ssh-ed25519 " + Convert.ToBase64String(ed25519) + " zoë@laptop", "ssh_key.comment" },
            { "ssh-ed25519 " + Convert.ToBase64String(ed25519) + " " + new string('c', 201), "ssh_key.comment" },
            { "ssh-ed25519 " + new string('A', 100_000), "ssh_key.too_long" },
            { "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----", "ssh_key.private" },
            { "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5\n---- END SSH2 PUBLIC KEY ----", "ssh_key.format" },
        };
        // Base64 whose last character carries bits the decoder throws away: not the text of any key.
        var text = Convert.ToBase64String(ed25519);
        data.Add("ssh-ed25519 " + text[..^2] + (text[^2] == 'A' ? 'B' : 'A') + "=", "ssh_key.invalid");
        return data;
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void AnythingButAWellFormedPublicKeyIsRefusedWithAReason(string text, string code)
    {
        var parsed = SshPublicKeyLine.Parse(text);

        Assert.False(parsed.Succeeded, $"accepted: {text[..Math.Min(text.Length, 80)]}");
        Assert.Equal(code, parsed.Errors.Single().Code);
        Assert.Equal("PublicKey", parsed.Errors.Single().Field);
    }

    [Fact]
    public async Task RsaKeysBelow2048BitsAreRefusedAsWeak()
    {
        var (line, _) = await SshKeygen.NewAsync("rsa", 1024);

        Assert.Equal("ssh_key.weak", SshPublicKeyLine.Parse(line).Errors.Single().Code);
    }

    [Fact]
    public async Task APastedPrivateKeyIsRecognisedInTheFormatSshKeygenWrites()
    {
        var (_, privateText) = await SshKeygen.NewAsync("ed25519");

        Assert.True(SshPublicKeyLine.LooksPrivate(privateText));
        Assert.Equal("ssh_key.private", SshPublicKeyLine.Parse(privateText).Errors.Single().Code);
    }

    /// <summary>An SSH wire blob: each field as an RFC 4251 string.</summary>
    private static byte[] Blob(string type, params byte[][] fields)
    {
        var all = new List<byte>();
        foreach (var field in fields.Prepend(Encoding.ASCII.GetBytes(type)))
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)field.Length);
            all.AddRange(length);
            all.AddRange(field);
        }
        return [.. all];
    }

    private static List<byte[]> Fields(byte[] blob)
    {
        var fields = new List<byte[]>();
        for (var offset = 0; offset < blob.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(offset));
            fields.Add(blob[(offset + 4)..(offset + 4 + length)]);
            offset += 4 + length;
        }
        return fields;
    }
}
