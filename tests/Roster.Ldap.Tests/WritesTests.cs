using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class WritesTests
{
    private const string Bob = "uid=bob,ou=people,dc=example,dc=org";

    public static TheoryData<LdapRequest, Type> Updates => new()
    {
        { new AddRequest("uid=zed,ou=people,dc=example,dc=org", [new PartialAttribute("uid", ["zed"])]), typeof(AddResponse) },
        { new DelRequest(Bob), typeof(DelResponse) },
        { new ModifyRequest(Bob, [new Change(ModifyOperation.Replace, new PartialAttribute("mail", ["x@example.org"]))]), typeof(ModifyResponse) },
        { new ModifyDNRequest(Bob, "uid=robert", true), typeof(ModifyDNResponse) },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public async Task EveryUpdateIsRefusedAsUnwillingToPerformWithItsOwnResponseType(LdapRequest request, Type responseType)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var id = await client.SendAsync(request);

        var response = await client.ExpectAsync();
        Assert.Equal(id, response.MessageId);
        Assert.IsType(responseType, response.ProtocolOp);
        Assert.Equal(ResultCode.UnwillingToPerform, ((ResultResponse)response.ProtocolOp).Result.ResultCode);
        var bob = await client.SearchAsync(Bob, SearchScope.BaseObject, "(objectClass=*)", "mail");
        Assert.Equal(["bob@example.org"], bob.Single().Attributes.Single().Values);
    }
}
