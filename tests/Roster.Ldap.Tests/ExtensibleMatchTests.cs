using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class ExtensibleMatchTests
{
    private static readonly DirectoryTree Tree = new("dc=example,dc=org");

    private static readonly DirectoryEntry Alice = Tree.User(Guid.Parse("6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f"), "alice", "Alice  Liddell", "Alice", "Liddell",
        "alice@example.org", ["admins", "staff"], new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2024, 6, 7, 8, 9, 10, TimeSpan.Zero));

    private static FilterResult Evaluate(string filter) => Filter.Parse(filter).Evaluate(Alice);

    // RFC 4511 4.5.1.7.7 with RFC 4517's rules, by name or OID; an unknown rule, one that does not apply to the
    // type's syntax, or a value the rule cannot read is Undefined.
    [Theory]
    [InlineData("(uid:caseExactMatch:=alice)", FilterResult.True)]
    [InlineData("(uid:2.5.13.5:=alice)", FilterResult.True)]
    [InlineData("(uid:CASEEXACTMATCH:=alice)", FilterResult.True)]
    [InlineData("(uid:caseExactMatch:=Alice)", FilterResult.False)]
    [InlineData("(cn:caseExactMatch:= alice liddell )", FilterResult.False)]
    [InlineData("(cn:caseExactMatch:= Alice   Liddell )", FilterResult.True)]
    [InlineData("(uid:caseIgnoreMatch:=ALICE)", FilterResult.True)]
    [InlineData("(:caseIgnoreMatch:=alice)", FilterResult.True)]
    [InlineData("(:2.5.13.2:=LIDDELL)", FilterResult.True)]
    [InlineData("(:caseIgnoreMatch:=bob)", FilterResult.False)]
    [InlineData("(:caseExactMatch:=Alice)", FilterResult.True)]
    [InlineData("(:caseExactMatch:=ALICE)", FilterResult.False)]
    [InlineData("(mail:caseExactIA5Match:=alice@example.org)", FilterResult.True)]
    [InlineData("(mail:1.3.6.1.4.1.1466.109.114.2:=ALICE@EXAMPLE.ORG)", FilterResult.True)]
    [InlineData("(mail:caseIgnoreIA5Match:=\\c3\\a5lice@example.org)", FilterResult.Undefined)]
    [InlineData("(cn:caseIgnoreSubstringsMatch:=\\2aLIDD\\2a)", FilterResult.True)]
    [InlineData("(cn:2.5.13.7:=Alice\\2all)", FilterResult.True)]
    [InlineData("(cn:caseExactSubstringsMatch:=\\2Alidd\\2A)", FilterResult.False)]
    [InlineData("(cn:caseIgnoreSubstringsMatch:=\\2a)", FilterResult.True)]
    [InlineData("(cn:caseIgnoreSubstringsMatch:=liddell)", FilterResult.Undefined)]
    [InlineData("(cn:caseIgnoreSubstringsMatch:=a\\2a\\2al)", FilterResult.Undefined)]
    [InlineData("(uid:caseIgnoreOrderingMatch:=B)", FilterResult.True)]
    [InlineData("(uid:2.5.13.3:=alice)", FilterResult.False)]
    [InlineData("(uid:caseExactOrderingMatch:=B)", FilterResult.False)]
    [InlineData("(objectClass:objectIdentifierMatch:=INETORGPERSON)", FilterResult.True)]
    [InlineData("(objectClass:2.5.13.0:=groupOfNames)", FilterResult.False)]
    [InlineData("(memberOf:distinguishedNameMatch:=CN=Staff, OU=Groups, DC=Example, DC=Org)", FilterResult.True)]
    [InlineData("(memberOf:uniqueMemberMatch:=cn=admins,ou=groups,dc=example,dc=org)", FilterResult.True)]
    [InlineData("(:2.5.13.1:=cn=admins,ou=groups,dc=example,dc=org)", FilterResult.True)]
    [InlineData("(memberOf:2.5.13.1:=cn=nobody,ou=groups,dc=example,dc=org)", FilterResult.False)]
    [InlineData("(memberOf:distinguishedNameMatch:=not a dn)", FilterResult.Undefined)]
    [InlineData("(createTimestamp:generalizedTimeMatch:=20240102040405+0100)", FilterResult.True)]
    [InlineData("(createTimestamp:2.5.13.27:=20240102030406Z)", FilterResult.False)]
    [InlineData("(createTimestamp:generalizedTimeOrderingMatch:=20240102030406Z)", FilterResult.True)]
    [InlineData("(createTimestamp:2.5.13.28:=20240102030405Z)", FilterResult.False)]
    [InlineData("(createTimestamp:generalizedTimeMatch:=yesterday)", FilterResult.Undefined)]
    [InlineData("(entryUUID:UUIDMatch:=6F1C1D2E-3A4B-4C5D-8E9F-0A1B2C3D4E5F)", FilterResult.True)]
    [InlineData("(entryUUID:1.3.6.1.1.16.3:=ffffffff-0000-0000-0000-000000000000)", FilterResult.True)]
    [InlineData("(ou:dn:=people)", FilterResult.True)]
    [InlineData("(ou:dn:caseExactMatch:=people)", FilterResult.True)]
    [InlineData("(ou:dn:caseExactMatch:=People)", FilterResult.False)]
    [InlineData("(ou:=people)", FilterResult.False)]
    [InlineData("(:dn:caseIgnoreMatch:=EXAMPLE)", FilterResult.True)]
    [InlineData("(:dn:2.5.13.2:=nowhere)", FilterResult.False)]
    [InlineData("(!(uid:caseExactMatch:=Alice))", FilterResult.True)]
    [InlineData("(uid:noSuchMatch:=alice)", FilterResult.Undefined)]
    [InlineData("(:9.9.9.9:=alice)", FilterResult.Undefined)]
    [InlineData("(uid:1.2.840.113556.1.4.804:=2)", FilterResult.Undefined)]
    [InlineData("(cn:caseIgnoreListMatch:=alice)", FilterResult.Undefined)]
    [InlineData("(uid:integerMatch:=1)", FilterResult.Undefined)]
    [InlineData("(uid:distinguishedNameMatch:=uid=alice,ou=people,dc=example,dc=org)", FilterResult.Undefined)]
    [InlineData("(createTimestamp:caseIgnoreMatch:=20240102030405Z)", FilterResult.Undefined)]
    [InlineData("(favouriteColour:caseIgnoreMatch:=blue)", FilterResult.Undefined)]
    [InlineData("(description:caseIgnoreMatch:=x)", FilterResult.False)]
    [InlineData("(supportedSASLMechanisms:=PLAIN)", FilterResult.Undefined)]
    public void ExtensibleMatchesApplyStandardRulesByNameOrOid(string filter, FilterResult expected)
    {
        Assert.Equal(expected, Evaluate(filter));
    }

    [Theory]
    [InlineData("(supportedLDAPVersion:integerMatch:=3)", FilterResult.True)]
    [InlineData("(supportedLDAPVersion:2.5.13.14:=-3)", FilterResult.False)]
    [InlineData("(:integerMatch:=3)", FilterResult.True)]
    [InlineData("(supportedLDAPVersion:integerOrderingMatch:=4)", FilterResult.True)]
    [InlineData("(supportedLDAPVersion:2.5.13.15:=3)", FilterResult.False)]
    [InlineData("(supportedLDAPVersion:integerMatch:=three)", FilterResult.Undefined)]
    // In a filter string every "*" of an extensible match's value is written \2a (RFC 4515 3); a substrings
    // assertion then writes a literal "*" or "\" as \2A or \5C (RFC 4517 3.3.30), escaped once more.
    [InlineData("(cn:caseExactSubstringsMatch:=a\\5c2A\\2a)", FilterResult.True)]
    [InlineData("(cn:caseExactSubstringsMatch:=a\\5c2a\\2a)", FilterResult.True)]
    [InlineData("(cn:caseExactSubstringsMatch:=\\2a\\5c5Cc)", FilterResult.True)]
    [InlineData("(cn:caseExactSubstringsMatch:=ab\\2a)", FilterResult.False)]
    [InlineData("(cn:caseExactSubstringsMatch:=a\\2A\\2a)", FilterResult.Undefined)]
    [InlineData("(cn:caseExactSubstringsMatch:=a\\5cx\\2a)", FilterResult.Undefined)]
    public void ExtensibleMatchesReadIntegersAndEscapedSubstrings(string filter, FilterResult expected)
    {
        var entry = new DirectoryEntry(DistinguishedName.Parse("cn=x,dc=example,dc=org"),
            new EntryAttribute(Schema.SupportedLdapVersion, "3"), new EntryAttribute(Schema.Cn, "a*b\\c"));

        Assert.Equal(expected, Filter.Parse(filter).Evaluate(entry));
    }

    [Fact]
    public async Task SearchesUseStandardRulesAndAnUnknownRuleFindsNothingWithoutFailing()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var exact = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid:caseExactMatch:=alice)", "1.1");
        var wrongCase = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid:2.5.13.5:=Alice)", "1.1");
        var anyAttribute = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(:caseIgnoreMatch:=BUILDER)", "1.1");
        var byDn = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(&(ou:dn:=people)(cn:2.5.13.4:=\\2adanvers))", "1.1");
        var group = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(cn:dn:=staff)", "1.1");
        var unknown = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid:1.2.840.113556.1.4.803:=2)", "1.1");
        var negated = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(!(uid:noSuchMatch:=alice))", "1.1");

        Assert.Equal(["uid=alice," + TestServer.People], exact.Dns);
        Assert.Empty(wrongCase.Dns);
        Assert.Equal(["uid=bob," + TestServer.People], anyAttribute.Dns);
        Assert.Equal(["uid=carol," + TestServer.People], byDn.Dns);
        Assert.Equal(["cn=staff," + TestServer.Groups], group.Dns);
        Assert.Equal((ResultCode.Success, 0), (unknown.Result.ResultCode, unknown.Entries.Count));
        Assert.Equal((ResultCode.Success, 0), (negated.Result.ResultCode, negated.Entries.Count));
    }
}
