namespace Roster.Ldap.Tests;

public class FilterEvaluationTests
{
    private static readonly DirectoryTree Tree = new("dc=example,dc=org");
    private static readonly Guid AliceId = Guid.Parse("6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f");

    private static readonly DirectoryEntry Alice = Tree.User(AliceId, "alice", "Alice  Liddell", "Alice", "Liddell",
        "alice@example.org", ["admins", "staff"], new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2024, 6, 7, 8, 9, 10, TimeSpan.Zero));

    private static FilterResult Evaluate(string filter) => Filter.Parse(filter).Evaluate(Alice);

    [Theory]
    [InlineData("(uid=alice)")]
    [InlineData("(uid=ALICE)")]
    [InlineData("(userid=alice)")]
    [InlineData("(0.9.2342.19200300.100.1.1=alice)")]
    [InlineData("(cn=alice liddell)")]
    [InlineData("(commonName=  Alice   Liddell )")]
    [InlineData("(objectClass=inetOrgPerson)")]
    [InlineData("(objectclass=PERSON)")]
    [InlineData("(mail=Alice@Example.org)")]
    [InlineData("(rfc822Mailbox=alice@example.org)")]
    [InlineData("(gn=alice)")]
    [InlineData("(surname=liddell)")]
    [InlineData("(cn~=alice liddell)")]
    [InlineData("(memberOf=cn=admins,ou=groups,dc=example,dc=org)")]
    [InlineData("(memberOf=CN=Admins, OU=Groups, DC=Example, DC=Org)")]
    [InlineData("(memberOf=commonName=staff,ou=groups,dc=example,dc=org)")]
    [InlineData("(entryUUID=6F1C1D2E-3A4B-4C5D-8E9F-0A1B2C3D4E5F)")]
    [InlineData("(createTimestamp=20240102030405Z)")]
    [InlineData("(createTimestamp=20240102040405+0100)")]
    [InlineData("(mail=*)")]
    [InlineData("(mail=*@example.org)")]
    [InlineData("(mail=ALICE@*)")]
    [InlineData("(cn=a*e*l*l)")]
    [InlineData("(cn=alice l*)")]
    [InlineData("(createTimestamp>=20240101000000Z)")]
    [InlineData("(createTimestamp<=20240102030405Z)")]
    [InlineData("(createTimestamp>=20240102030404.5Z)")]
    [InlineData("(modifyTimestamp<=2025010100Z)")]
    [InlineData("(entryUUID>=00000000-0000-0000-0000-000000000000)")]
    [InlineData("(&(objectClass=person)(uid=alice))")]
    [InlineData("(|(uid=bob)(uid=alice))")]
    [InlineData("(!(uid=bob))")]
    [InlineData("(&)")]
    [InlineData("(uid:=alice)")]
    [InlineData("(uid:caseIgnoreMatch:=ALICE)")]
    [InlineData("(ou:dn:=people)")]
    [InlineData("(|(unknownAttribute=x)(uid=alice))")]
    public void MatchingFiltersAreTrue(string filter)
    {
        Assert.Equal(FilterResult.True, Evaluate(filter));
    }

    [Theory]
    [InlineData("(uid=bob)")]
    [InlineData("(uid=alic)")]
    [InlineData("(cn=aliceliddell)")]
    [InlineData("(objectClass=groupOfNames)")]
    [InlineData("(memberOf=cn=nobody,ou=groups,dc=example,dc=org)")]
    [InlineData("(entryUUID=00000000-0000-0000-0000-000000000000)")]
    [InlineData("(description=*)")]
    [InlineData("(unknownAttribute=*)")]
    [InlineData("(mail=*@example.net)")]
    [InlineData("(cn=alice *x)")]
    [InlineData("(cn=a*e*e*e*)")]
    [InlineData("(createTimestamp>=20250101000000Z)")]
    [InlineData("(createTimestamp<=20240102030404Z)")]
    [InlineData("(!(uid=alice))")]
    [InlineData("(&(uid=alice)(uid=bob))")]
    [InlineData("(|(uid=bob)(uid=carol))")]
    [InlineData("(|)")]
    [InlineData("(ou=people)")]
    [InlineData("(&(unknownAttribute=x)(uid=bob))")]
    public void NonMatchingFiltersAreFalse(string filter)
    {
        Assert.Equal(FilterResult.False, Evaluate(filter));
    }

    // RFC 4511 4.5.1.7: what the server cannot decide is Undefined, and NOT keeps it Undefined.
    [Theory]
    [InlineData("(unknownAttribute=x)")]
    [InlineData("(!(unknownAttribute=x))")]
    [InlineData("(cn;lang-de=alice)")]
    [InlineData("(uid>=a)")]
    [InlineData("(uid<=z)")]
    [InlineData("(memberOf=not a dn)")]
    [InlineData("(!(memberOf=not a dn))")]
    [InlineData("(entryUUID=not-a-uuid)")]
    [InlineData("(createTimestamp>=yesterday)")]
    [InlineData("(createTimestamp=20241302000000Z)")]
    [InlineData("(memberOf=*admins*)")]
    [InlineData("(&(unknownAttribute=x)(uid=alice))")]
    [InlineData("(|(unknownAttribute=x)(uid=bob))")]
    [InlineData("(uid:1.2.840.113556.1.4.803:=2)")]
    public void UndecidableFiltersAreUndefined(string filter)
    {
        Assert.Equal(FilterResult.Undefined, Evaluate(filter));
    }

    [Fact]
    public void TheUsersGroupsAreNamedByDnInMemberOfAndTheGroupsNameTheirMembers()
    {
        var group = Tree.Group(Guid.NewGuid(), "staff", "Everyone", ["alice", "bob"], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        Assert.Equal(FilterResult.True, Filter.Parse("(member=uid=Bob,ou=People,dc=example,dc=org)").Evaluate(group));
        Assert.Equal(FilterResult.True, Filter.Parse("(uniqueMember=uid=alice,ou=people,dc=example,dc=org)").Evaluate(group));
        Assert.Equal(FilterResult.True, Filter.Parse("(objectClass=groupOfUniqueNames)").Evaluate(group));
        Assert.Equal(FilterResult.False, Filter.Parse("(member=uid=carol,ou=people,dc=example,dc=org)").Evaluate(group));
        Assert.Equal(["cn=admins,ou=groups,dc=example,dc=org", "cn=staff,ou=groups,dc=example,dc=org"], Alice.Find(Schema.MemberOf)!.Values);
    }
}
