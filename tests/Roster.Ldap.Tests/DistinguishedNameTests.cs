namespace Roster.Ldap.Tests;

public class DistinguishedNameTests
{
    // RFC 4514 section 4 examples.
    [Theory]
    [InlineData("UID=jsmith,DC=example,DC=net", new[] { "UID=jsmith", "DC=example", "DC=net" })]
    [InlineData("OU=Sales+CN=J.  Smith,DC=example,DC=net", new[] { "OU=Sales+CN=J.  Smith", "DC=example", "DC=net" })]
    [InlineData("CN=James \\\"Jim\\\" Smith\\, III,DC=example,DC=net", new[] { "CN=James \\\"Jim\\\" Smith\\, III", "DC=example", "DC=net" })]
    [InlineData("CN=Before\\0dAfter,DC=example,DC=net", new[] { "CN=Before\rAfter", "DC=example", "DC=net" })]
    [InlineData("CN=Lu\\C4\\8Di\\C4\\87", new[] { "CN=Lučić" })]
    [InlineData("1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com", new[] { "1.3.6.1.4.1.1466.0=Hi", "DC=example", "DC=com" })]
    public void RfcExamplesParseIntoTheirRdns(string text, string[] rdns)
    {
        var dn = DistinguishedName.Parse(text);

        Assert.Equal(rdns, dn.Rdns.Select(r => r.ToString()));
        Assert.Equal(text, dn.ToString());
    }

    [Theory]
    [InlineData("uid=alice,ou=people,dc=example,dc=org", "UID=Alice,OU=People,DC=Example,DC=ORG")]
    [InlineData("uid=alice,ou=people,dc=example,dc=org", "uid=alice, ou=people, dc=example, dc=org")]
    [InlineData("uid=alice,ou=people,dc=example,dc=org", "userid=alice;ou=people;dc=example;dc=org")]
    [InlineData("cn=Alice  Liddell,dc=org", "commonName= alice liddell ,dc=org")]
    [InlineData("2.5.4.3=x,dc=org", "cn=X,dc=org")]
    [InlineData("ou=a+cn=b,dc=org", "CN=B+OU=A,dc=org")]
    [InlineData("cn=a\\,b,dc=org", "cn=A\\2cB,dc=org")]
    [InlineData("", "  ")]
    public void EquivalentNamesAreEqual(string left, string right)
    {
        var a = DistinguishedName.Parse(left);
        var b = DistinguishedName.Parse(right);

        Assert.Equal(a, b);
        Assert.Equal(a.Normalized, b.Normalized);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("uid=alice,ou=people,dc=example,dc=org", "uid=alice,ou=people,dc=example,dc=com")]
    [InlineData("uid=alice,dc=org", "cn=alice,dc=org")]
    [InlineData("cn=a\\,b,dc=org", "cn=a,cn=b,dc=org")]
    public void DifferentNamesAreNotEqual(string left, string right)
    {
        Assert.NotEqual(DistinguishedName.Parse(left), DistinguishedName.Parse(right));
    }

    [Theory]
    [InlineData("uid")]
    [InlineData("uid=a,")]
    [InlineData("=a")]
    [InlineData("uid=a\\")]
    [InlineData("1a=b")]
    [InlineData("cn=a\"b")]
    [InlineData("cn=a<b")]
    [InlineData("cn=\\c4")]
    [InlineData("cn=\\zz")]
    [InlineData("01.2=x")]
    [InlineData("cn=#zz")]
    [InlineData("cn=#0302")]
    [InlineData("cn=a,,dc=org")]
    public void MalformedNamesAreRejected(string text)
    {
        Assert.False(DistinguishedName.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DistinguishedName.Parse(text));
    }

    [Fact]
    public void TheEmptyNameIsTheRoot()
    {
        var root = DistinguishedName.Parse("");

        Assert.True(root.IsRoot);
        Assert.Same(DistinguishedName.Root, root);
        Assert.Equal("", root.ToString());
    }

    [Fact]
    public void AncestryComparesNormalizedRdns()
    {
        var tree = DistinguishedName.Parse("dc=example,dc=org");
        var people = DistinguishedName.Parse("OU=People,DC=Example,DC=Org");
        var alice = DistinguishedName.Parse("uid=alice,ou=people,dc=example,dc=org");
        var lookalike = DistinguishedName.Parse("cn=x\\,dc\\=example\\,dc\\=org");

        Assert.True(alice.IsWithin(tree));
        Assert.True(alice.IsWithin(alice));
        Assert.True(alice.IsChildOf(people));
        Assert.False(alice.IsChildOf(tree));
        Assert.False(tree.IsWithin(alice));
        Assert.False(lookalike.IsWithin(tree));
        Assert.True(tree.IsWithin(DistinguishedName.Root));
        Assert.Equal(people, alice.Parent);
        Assert.Equal(4, alice.Depth);
    }

    [Fact]
    public void ValuesAreEscapedWhenWritten()
    {
        var tree = DistinguishedName.Parse("dc=example,dc=org");

        Assert.Equal("cn=Smith\\, John,dc=example,dc=org", tree.Child("cn", "Smith, John").ToString());
        Assert.Equal("cn=\\#1 a+b\\ ,dc=example,dc=org".Replace("a+b", "a\\+b"), tree.Child("cn", "#1 a+b ").ToString());
        Assert.Equal("cn=\\ lead,dc=example,dc=org", tree.Child("cn", " lead").ToString());
        Assert.Equal("uid=a\\\\b\\<c\\>\\;d\\\"e,dc=example,dc=org", tree.Child("uid", "a\\b<c>;d\"e").ToString());

        var parsed = DistinguishedName.Parse(tree.Child("cn", "#1, a+b ").ToString());
        Assert.Equal("#1, a+b ", parsed.Rdns[0].Avas[0].Value);
    }
}
