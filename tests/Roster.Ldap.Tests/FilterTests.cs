using System.Formats.Asn1;

namespace Roster.Ldap.Tests;

public class FilterTests
{
    // RFC 4515 section 4 examples, which are already in the form Format writes.
    [Theory]
    [InlineData("(cn=Babs Jensen)")]
    [InlineData("(!(cn=Tim Howes))")]
    [InlineData("(&(objectClass=Person)(|(sn=Jensen)(cn=Babs J*)))")]
    [InlineData("(o=univ*of*mich*)")]
    [InlineData("(seeAlso=)")]
    [InlineData("(cn:caseExactMatch:=Fred Flintstone)")]
    [InlineData("(cn:=Betty Rubble)")]
    [InlineData("(sn:dn:2.4.6.8.10:=Barney Rubble)")]
    [InlineData("(o:dn:=Ace Industry)")]
    [InlineData("(:1.2.3:=Wilma Flintstone)")]
    [InlineData("(o=Parens R Us \\28for all your parenthetical needs\\29)")]
    [InlineData("(cn=*\\2a*)")]
    [InlineData("(filename=C:\\5cMyFile)")]
    [InlineData("(createTimestamp>=20240101000000Z)")]
    [InlineData("(createTimestamp<=20240101000000Z)")]
    [InlineData("(cn~=Babs)")]
    [InlineData("(mail=*)")]
    [InlineData("(cn=*a*b*)")]
    [InlineData("(cn=a*)")]
    [InlineData("(cn=*a)")]
    [InlineData("(&)")]
    [InlineData("(|)")]
    public void RfcExamplesFormatAsTheyWereWritten(string text)
    {
        Assert.Equal(text, Filter.Parse(text).ToString());
    }

    [Fact]
    public void EscapedOctetsDecodeAsUtf8()
    {
        Assert.Equal(new EqualityFilter("sn", "Lučić"), Filter.Parse("(sn=Lu\\c4\\8di\\c4\\87)"));
        Assert.Equal(new EqualityFilter("o", "Parens R Us (for all your parenthetical needs)"),
            Filter.Parse("(o=Parens R Us \\28for all your parenthetical needs\\29)"));
    }

    [Fact]
    public void FiltersParseIntoTheirParts()
    {
        Assert.Equal(new SubstringFilter("o", "univ", ["of"], "mich"), Filter.Parse("(o=univ*of*mich)"));
        Assert.Equal(new SubstringFilter("cn", null, ["*"], null), Filter.Parse("(cn=*\\2A*)"));
        Assert.Equal(new PresentFilter("objectClass"), Filter.Parse("(objectClass=*)"));
        Assert.Equal(new ExtensibleMatchFilter("2.4.6.8.10", null, "Dino", true), Filter.Parse("(:DN:2.4.6.8.10:=Dino)"));
        Assert.Equal(
            new AndFilter([new EqualityFilter("a", "1"), new OrFilter([new NotFilter(new PresentFilter("b")), new LessOrEqualFilter("c", "3")])]),
            Filter.Parse("(&(a=1)(|(!(b=*))(c<=3)))"));
    }

    [Fact]
    public void OldStyleBackslashEscapesOfSpecialCharactersAreAccepted()
    {
        Assert.Equal(new EqualityFilter("cn", "a*b"), Filter.Parse("(cn=a\\*b)"));
    }

    [Theory]
    [InlineData("cn=a")]
    [InlineData("(cn=a")]
    [InlineData("(cn=a))")]
    [InlineData("(&(cn=a)")]
    [InlineData("(cn=a(b)")]
    [InlineData("(=a)")]
    [InlineData("(cn=\\zz)")]
    [InlineData("(cn=\\c4)")]
    [InlineData("(cn~=a*)")]
    [InlineData("(cn=a**b)")]
    [InlineData("(:=a)")]
    [InlineData("(!(a=b)(c=d))")]
    [InlineData("")]
    public void MalformedFilterStringsAreRejected(string text)
    {
        Assert.Throws<FormatException>(() => Filter.Parse(text));
        Assert.False(FilterString.TryParse(text, out _));
    }

    [Fact]
    public void NestingBeyondTheLimitIsRejectedInStrings()
    {
        var text = string.Concat(Enumerable.Repeat("(!", 40)) + "(a=b)" + new string(')', 40);

        Assert.Throws<FormatException>(() => Filter.Parse(text));
    }

    [Theory]
    [InlineData("(&(objectClass=person)(|(uid=al*ce)(mail~=x))(!(cn>=b))(sn<=z))")]
    [InlineData("(cn:dn:2.5.13.2:=v)")]
    [InlineData("(:1.2.3:=w)")]
    [InlineData("(cn=*mid*)")]
    [InlineData("(&)")]
    public void BerEncodingDecodesToTheSameFilter(string text)
    {
        var filter = Filter.Parse(text);
        var writer = new AsnWriter(AsnEncodingRules.BER);
        filter.Write(writer);

        var decoded = Filter.Read(new AsnReader(writer.Encode(), AsnEncodingRules.BER));

        Assert.Equal(filter, decoded);
    }

    [Fact]
    public void BerEncodingOfAnEqualityFilterMatchesRfc4511()
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        new EqualityFilter("uid", "bob").Write(writer);

        // [3] { OCTET STRING "uid", OCTET STRING "bob" }
        Assert.Equal("a30a0403756964040362 6f62".Replace(" ", ""), Convert.ToHexStringLower(writer.Encode()));
    }

    [Fact]
    public void ASubstringFilterWithFinalBeforeAnyIsMalformed()
    {
        // [4] { "cn", SEQUENCE { [2] "a", [1] "b" } }
        var bytes = Convert.FromHexString("a40c0402636e30068201618101 62".Replace(" ", ""));

        Assert.Throws<AsnContentException>(() => Filter.Read(new AsnReader(bytes, AsnEncodingRules.BER)));
    }
}
