using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class CompareTests
{
    private const string Bob = "uid=bob,ou=people,dc=example,dc=org";

    private static async Task<LdapResult> CompareAsync(TestClient client, string entry, string attribute, string value)
    {
        var id = await client.SendAsync(new CompareRequest(entry, attribute, value));
        var response = await client.ExpectAsync();
        Assert.Equal(id, response.MessageId);
        return Assert.IsType<CompareResponse>(response.ProtocolOp).Result;
    }

    [Theory]
    [InlineData(Bob, "mail", "BOB@example.org", ResultCode.CompareTrue)]
    [InlineData(Bob, "mail", "alice@example.org", ResultCode.CompareFalse)]
    [InlineData(Bob, "objectClass", "inetOrgPerson", ResultCode.CompareTrue)]
    [InlineData(Bob, "memberOf", "cn=staff,ou=groups,dc=example,dc=org", ResultCode.CompareTrue)]
    [InlineData(Bob, "displayName", "Bob", ResultCode.NoSuchAttribute)]
    [InlineData(Bob, "favouriteColour", "blue", ResultCode.UndefinedAttributeType)]
    [InlineData(Bob, "memberOf", "not a dn", ResultCode.InappropriateMatching)]
    [InlineData("cn=staff,ou=groups,dc=example,dc=org", "member", "uid=bob,ou=people,dc=example,dc=org", ResultCode.CompareTrue)]
    [InlineData("ou=people,dc=example,dc=org", "ou", "People", ResultCode.CompareTrue)]
    [InlineData("uid=nobody,ou=people,dc=example,dc=org", "uid", "nobody", ResultCode.NoSuchObject)]
    [InlineData("not a dn", "uid", "x", ResultCode.InvalidDNSyntax)]
    public async Task CompareAnswersFromTheEntryAsASearchWouldSeeIt(string entry, string attribute, string value, ResultCode expected)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        Assert.Equal(expected, (await CompareAsync(client, entry, attribute, value)).ResultCode);
    }

    [Fact]
    public async Task CompareCannotReachPeopleTheBoundAppMayNotSee()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAsync("cn=wiki,ou=apps,dc=example,dc=org", "wiki-secret");

        var hidden = await CompareAsync(client, "uid=carol,ou=people,dc=example,dc=org", "uid", "carol");
        var visible = await CompareAsync(client, Bob, "uid", "bob");

        Assert.Equal(ResultCode.NoSuchObject, hidden.ResultCode);
        Assert.Equal(ResultCode.CompareTrue, visible.ResultCode);
    }

    [Fact]
    public async Task CompareBeforeABindIsRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        Assert.Equal(ResultCode.InsufficientAccessRights, (await CompareAsync(client, Bob, "uid", "bob")).ResultCode);
    }
}
