using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

// groupOfNames and groupOfUniqueNames MUST have member and uniqueMember (RFC 4519 3.5, 3.6), also when nobody is in
// the group: it then names a placeholder that matches no person.
public class EmptyGroupTests
{
    private const string Placeholder = "cn=empty-membership-placeholder";
    private const string Alice = "uid=alice," + TestServer.People;

    private static Dictionary<string, string[]> AttributesOf(SearchResultEntry entry) =>
        entry.Attributes.ToDictionary(a => a.Type, a => a.Values.ToArray());

    [Fact]
    public async Task AnEmptyGroupListsThePlaceholderAsItsMemberAndUniqueMember()
    {
        await using var server = await TestServer.StartAsync();
        server.Directory.AddGroup("newcomers", null);
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(TestServer.Groups, SearchScope.SingleLevel, "(cn=newcomers)");

        var attributes = AttributesOf(outcome.Single());
        Assert.Equal(["top", "groupOfNames", "groupOfUniqueNames"], attributes["objectClass"]);
        Assert.Equal([Placeholder], attributes["member"]);
        Assert.Equal([Placeholder], attributes["uniqueMember"]);
    }

    [Fact]
    public async Task ThePlaceholderMatchesNoPersonAndNamesNoEntry()
    {
        await using var server = await TestServer.StartAsync();
        server.Directory.AddGroup("newcomers", null);
        await using var client = await server.ConnectAsAliceAsync();

        var alicesGroups = await client.SearchAsync(TestServer.Groups, SearchScope.SingleLevel, $"(|(member={Alice})(uniqueMember={Alice}))", "1.1");
        var withMembers = await client.SearchAsync(TestServer.Groups, SearchScope.SingleLevel, "(&(objectClass=groupOfNames)(member=*))", "1.1");
        var placeholder = await client.SearchAsync(Placeholder, SearchScope.BaseObject, "(objectClass=*)");

        Assert.Equal(["cn=admins," + TestServer.Groups, "cn=staff," + TestServer.Groups], alicesGroups.Dns);
        Assert.Contains("cn=newcomers," + TestServer.Groups, withMembers.Dns);
        Assert.Equal(ResultCode.NoSuchObject, placeholder.Result.ResultCode);
    }

    [Fact]
    public void AGroupWithMembersListsOnlyThem()
    {
        var group = new DirectoryTree(TestServer.Base).Group(Guid.NewGuid(), "staff", null, ["bob"], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        Assert.Equal(["uid=bob," + TestServer.People], group.Find(Schema.Member)!.Values);
        Assert.Equal(["uid=bob," + TestServer.People], group.Find(Schema.UniqueMember)!.Values);
    }

    [Fact]
    public async Task TheSubschemaSaysMemberIsRequiredAsRfc4519Does()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync("cn=Subschema", SearchScope.BaseObject, "(objectClass=subschema)", "objectClasses");

        var classes = AttributesOf(outcome.Single())["objectClasses"];
        Assert.Contains("( 2.5.6.9 NAME 'groupOfNames' SUP top STRUCTURAL MUST ( member $ cn ) MAY description )", classes);
        Assert.Contains("( 2.5.6.17 NAME 'groupOfUniqueNames' SUP top STRUCTURAL MUST ( uniqueMember $ cn ) MAY description )", classes);
    }
}
