using System.Buffers;
using System.Text;

namespace Roster.Ldap.Tests;

public class LdapCodecTests
{
    private static ValueArray<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static readonly LdapResult Failure = new(ResultCode.NoSuchObject, "ou=people,dc=example,dc=org", "No such entry.", ["ldap://other.example.org/"]);

    public static TheoryData<LdapMessage> EveryMessageType => new()
    {
        new LdapMessage(1, new BindRequest(3, "uid=alice,ou=people,dc=example,dc=org", new SimpleAuthentication("sécret"))),
        new LdapMessage(2, new BindRequest(3, "", new SaslAuthentication("EXTERNAL"))),
        new LdapMessage(3, new BindRequest(3, "", new SaslAuthentication("PLAIN", Bytes("\0alice\0pw")))),
        new LdapMessage(4, new BindResponse(LdapResult.Success)),
        new LdapMessage(5, new BindResponse(Failure, Bytes("server-creds"))),
        new LdapMessage(6, new UnbindRequest()),
        new LdapMessage(7, new SearchRequest("dc=example,dc=org", SearchScope.WholeSubtree, DerefAliases.DerefAlways, 10, 30, true,
            Filter.Parse("(&(objectClass=person)(|(uid=al*ce)(mail~=x))(!(cn>=b))(sn<=z)(cn:dn:2.5.13.2:=v)(mail=*))"), ["cn", "+", "1.1"])),
        new LdapMessage(8, new SearchRequest("", SearchScope.BaseObject, DerefAliases.NeverDerefAliases, 0, 0, false, Filter.Everything)),
        new LdapMessage(9, new SearchResultEntry("uid=alice,ou=people,dc=example,dc=org",
            [new PartialAttribute("cn", ["Alice"]), new PartialAttribute("objectClass", ["top", "person"]), new PartialAttribute("mail")])),
        new LdapMessage(10, new SearchResultReference(["ldap://a.example.org/dc=a", "ldap://b.example.org/dc=b"])),
        new LdapMessage(11, new SearchResultDone(LdapResult.Success), [Paging.Response(3, new ValueArray<byte>([0, 0, 0, 1]))]),
        new LdapMessage(12, new ModifyRequest("uid=alice,ou=people,dc=example,dc=org",
            [new Change(ModifyOperation.Replace, new PartialAttribute("mail", ["a@example.org"])), new Change(ModifyOperation.Delete, new PartialAttribute("sn"))])),
        new LdapMessage(13, new ModifyResponse(Failure)),
        new LdapMessage(14, new AddRequest("uid=zed,ou=people,dc=example,dc=org", [new PartialAttribute("uid", ["zed"]), new PartialAttribute("cn", ["Zed", "Z"])])),
        new LdapMessage(15, new AddResponse(LdapResult.Error(ResultCode.UnwillingToPerform, "read-only"))),
        new LdapMessage(16, new DelRequest("uid=zed,ou=people,dc=example,dc=org")),
        new LdapMessage(17, new DelResponse(LdapResult.Success)),
        new LdapMessage(18, new ModifyDNRequest("uid=zed,ou=people,dc=example,dc=org", "uid=zoe", true, "ou=groups,dc=example,dc=org")),
        new LdapMessage(19, new ModifyDNRequest("uid=zed,ou=people,dc=example,dc=org", "uid=zoe", false)),
        new LdapMessage(20, new ModifyDNResponse(LdapResult.Success)),
        new LdapMessage(21, new CompareRequest("uid=alice,ou=people,dc=example,dc=org", "mail", "alice@example.org")),
        new LdapMessage(22, new CompareResponse(new LdapResult(ResultCode.CompareTrue, "", ""))),
        new LdapMessage(23, new AbandonRequest(7)),
        new LdapMessage(24, new ExtendedRequest(Extended.WhoAmIOid)),
        new LdapMessage(25, new ExtendedRequest("1.2.3.4", Bytes("value"))),
        new LdapMessage(26, new ExtendedResponse(LdapResult.Success, Extended.StartTlsOid)),
        new LdapMessage(27, new ExtendedResponse(LdapResult.Success, null, Bytes("dn:uid=alice"))),
        new LdapMessage(0, new ExtendedResponse(LdapResult.Error(ResultCode.ProtocolError, "bye"), "1.3.6.1.4.1.1466.20036")),
        new LdapMessage(28, new IntermediateResponse("1.2.3", Bytes("x"))),
        new LdapMessage(29, new IntermediateResponse()),
        new LdapMessage(int.MaxValue, new SearchResultDone(LdapResult.Success),
            [new Control("1.2.3.4", true, Bytes("v")), new Control("1.2.3.5"), new Control("1.2.3.6", false, ValueArray<byte>.Empty)]),
    };

    [Theory]
    [MemberData(nameof(EveryMessageType))]
    public void EveryMessageTypeDecodesToWhatWasEncoded(LdapMessage message)
    {
        var encoded = LdapCodec.Encode(message);

        var decoded = LdapCodec.Decode(encoded);

        Assert.Equal(message, decoded);
        Assert.Equal(encoded, LdapCodec.Encode(decoded));
    }

    [Fact]
    public void AnAnonymousBindEncodesAsInEveryLdapTrace()
    {
        var encoded = LdapCodec.Encode(new LdapMessage(1, new BindRequest(3, "", new SimpleAuthentication(""))));

        Assert.Equal("300c020101600702010304008000", Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void ASuccessfulBindResponseEncodesAsOpenLdapSendsIt()
    {
        var encoded = LdapCodec.Encode(new LdapMessage(1, new BindResponse(LdapResult.Success)));

        Assert.Equal("300c02010161070a010004000400", Convert.ToHexStringLower(encoded));
    }

    [Fact]
    public void TheBindRequestLdapsearchSendsDecodes()
    {
        // Captured from `ldapsearch -x -D uid=alice,ou=people,dc=example,dc=org -w secret`.
        var bytes = Convert.FromHexString("3037020101603202010304257569643d616c6963652c6f753d70656f706c652c64633d6578616d706c652c64633d6f72678006736563726574");

        var message = LdapCodec.Decode(bytes);

        Assert.Equal(new LdapMessage(1, new BindRequest(3, "uid=alice,ou=people,dc=example,dc=org", new SimpleAuthentication("secret"))), message);
    }

    [Fact]
    public void ThePagedSearchRequestLdapsearchSendsDecodes()
    {
        // Captured from `ldapsearch -E pr=2/noprompt -b dc=example,dc=org "(&(objectClass=inetOrgPerson)(uid=al*ce))" cn mail`.
        var bytes = Convert.FromHexString(
            "308189020102635f041164633d6578616d706c652c64633d6f72670a01020a0100020100020100010100a02fa31c040b6f626a656374436c617373" +
            "040d696e65744f7267506572736f6ea40f040375696430088002616c82026365300a0402636e04046d61696ca02330210416312e322e3834302e31" +
            "31333535362e312e342e333139040730050201020400");

        var message = LdapCodec.Decode(bytes);

        var search = Assert.IsType<SearchRequest>(message.ProtocolOp);
        Assert.Equal(2, message.MessageId);
        Assert.Equal("dc=example,dc=org", search.BaseObject);
        Assert.Equal(SearchScope.WholeSubtree, search.Scope);
        Assert.Equal("(&(objectClass=inetOrgPerson)(uid=al*ce))", search.Filter.ToString());
        Assert.Equal(["cn", "mail"], search.Attributes);
        var control = Assert.Single(message.Controls);
        Assert.Equal(Paging.Oid, control.ControlType);
        Assert.True(Paging.TryParseRequest(control.ControlValue, out var page));
        Assert.Equal(2, page!.Size);
        Assert.True(page.Cookie.IsEmpty);
    }

    [Fact]
    public void APasswordNeverAppearsInAMessagesText()
    {
        var message = new LdapMessage(1, new BindRequest(3, "uid=alice", new SimpleAuthentication("hunter2")));

        Assert.DoesNotContain("hunter2", message.ToString());
        Assert.Contains("uid=alice", message.ToString());
    }

    [Theory]
    [InlineData("30", false)]
    [InlineData("3005", false)]
    [InlineData("30050201", false)]
    [InlineData("3082", false)]
    [InlineData("300c020101600702010304008000", true)]
    public void AFrameIsCompleteOnlyOnceAllItsBytesArrived(string hex, bool complete)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        Assert.Equal(complete, LdapCodec.TryGetFrameLength(buffer, 1024, out var length));
        Assert.Equal(complete ? 14 : 0, length);
    }

    [Theory]
    [InlineData("3103020101", "SEQUENCE")]
    [InlineData("3080020101", "Indefinite")]
    [InlineData("3085ffffffffff", "out of range")]
    [InlineData("3084ffffffff", "exceeds")]
    [InlineData("30820401", "exceeds")]
    public void AFrameHeaderThatCannotBeAMessageIsRefusedBeforeItsBodyArrives(string hex, string reason)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));

        var error = Assert.Throws<LdapProtocolException>(() => LdapCodec.TryGetFrameLength(buffer, 1024, out _));

        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("3003020101")] // no protocol op
    [InlineData("30050201ff4200")] // negative message ID
    [InlineData("300502010171" + "00")] // unknown application tag
    [InlineData("3010020101600b020103240404000400" + "8000")] // constructed OCTET STRING for the name
    [InlineData("300c020101600702010304008100")] // unknown authentication choice
    [InlineData("300d02010160080201030400800000")] // trailing bytes inside the bind
    [InlineData("300c020101600702010304008001")] // length running past its container
    public void AMalformedMessageIsAProtocolError(string hex)
    {
        Assert.Throws<LdapProtocolException>(() => LdapCodec.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void AFilterNestedDeeperThanTheLimitIsAProtocolError()
    {
        Filter filter = new EqualityFilter("uid", "x");
        for (var i = 0; i < Filter.MaxDepth + 5; i++)
        {
            filter = new NotFilter(filter);
        }
        var encoded = LdapCodec.Encode(new LdapMessage(2, new SearchRequest("", SearchScope.BaseObject, DerefAliases.NeverDerefAliases, 0, 0, false, filter)));

        var error = Assert.Throws<LdapProtocolException>(() => LdapCodec.Decode(encoded));

        Assert.Contains("nested", error.Message);
    }
}
