using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class BindTests
{
    private const string Alice = "uid=alice,ou=people,dc=example,dc=org";

    [Fact]
    public async Task APersonBindsWithTheirPassword()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.BindAsync("UID=Alice, OU=People, DC=Example, DC=Org", "alice-password");

        Assert.Equal(ResultCode.Success, result.ResultCode);
        Assert.Equal("dn:" + Alice, await client.WhoAmIAsync());
    }

    [Theory]
    [InlineData(Alice, "wrong")]
    [InlineData("uid=nobody,ou=people,dc=example,dc=org", "alice-password")]
    [InlineData("uid=dave,ou=people,dc=example,dc=org", "dave-password")]
    [InlineData("cn=alice,dc=elsewhere", "alice-password")]
    public async Task AWrongPasswordAnUnknownNameAndADisabledPersonLookTheSame(string name, string password)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.BindAsync(name, password);

        Assert.Equal(LdapResult.Error(ResultCode.InvalidCredentials, "Invalid credentials."), result);
    }

    [Fact]
    public async Task AnAppServiceAccountBinds()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.BindAsync("cn=wiki,ou=apps,dc=example,dc=org", "wiki-secret");

        Assert.Equal(ResultCode.Success, result.ResultCode);
        Assert.Equal("dn:cn=wiki,ou=apps,dc=example,dc=org", await client.WhoAmIAsync());
    }

    [Fact]
    public async Task AFailedBindLeavesTheConnectionAnonymous()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        Assert.Equal(ResultCode.InvalidCredentials, (await client.BindAsync(Alice, "wrong")).ResultCode);

        Assert.Equal("", await client.WhoAmIAsync());
        var search = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid=alice)");
        Assert.Equal(ResultCode.InsufficientAccessRights, search.Result.ResultCode);
        Assert.Empty(search.Entries);
    }

    [Fact]
    public async Task OnlyVersionThreeIsSpoken()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new BindRequest(2, Alice, new SimpleAuthentication("alice-password")));

        var response = Assert.IsType<BindResponse>((await client.ExpectAsync()).ProtocolOp);
        Assert.Equal(ResultCode.ProtocolError, response.Result.ResultCode);
    }

    [Fact]
    public async Task SaslIsNotSupported()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync(new BindRequest(3, "", new SaslAuthentication("EXTERNAL")));

        var response = Assert.IsType<BindResponse>((await client.ExpectAsync()).ProtocolOp);
        Assert.Equal(ResultCode.AuthMethodNotSupported, response.Result.ResultCode);
    }

    // RFC 4513 5.1.1: `ldapsearch -x -b "" -s base` binds anonymously before reading the rootDSE.
    [Fact]
    public async Task AnAnonymousBindSucceedsButReadsOnlyTheRootDseUnlessAllowed()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var bind = await client.BindAsync("", "");
        var rootDse = await client.SearchAsync("", SearchScope.BaseObject, "(objectClass=*)", "namingContexts");
        var tree = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid=alice)");
        var schema = await client.SearchAsync("cn=Subschema", SearchScope.BaseObject, "(objectClass=*)");
        await client.SendAsync(new CompareRequest(Alice, "uid", "alice"));
        var compare = Assert.IsType<CompareResponse>((await client.ExpectAsync()).ProtocolOp);

        Assert.Equal(LdapResult.Success, bind);
        Assert.Equal("", await client.WhoAmIAsync());
        Assert.Equal(ResultCode.Success, rootDse.Result.ResultCode);
        Assert.Equal("", rootDse.Single().ObjectName);
        Assert.Equal((ResultCode.InsufficientAccessRights, 0), (tree.Result.ResultCode, tree.Entries.Count));
        Assert.Equal((ResultCode.InsufficientAccessRights, 0), (schema.Result.ResultCode, schema.Entries.Count));
        Assert.Equal(ResultCode.InsufficientAccessRights, compare.Result.ResultCode);
        Assert.Empty(server.Directory.Queries);
    }

    [Fact]
    public async Task AnAnonymousBindDropsTheIdentityBoundBefore()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        Assert.Equal(ResultCode.Success, (await client.BindAsync("", "")).ResultCode);

        Assert.Equal("", await client.WhoAmIAsync());
        var search = await client.SearchAsync(TestServer.Base, SearchScope.WholeSubtree, "(uid=alice)");
        Assert.Equal((ResultCode.InsufficientAccessRights, 0), (search.Result.ResultCode, search.Entries.Count));
    }

    [Fact]
    public async Task APasswordWithoutANameIsInvalidCredentials()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowAnonymous = true);
        await using var client = await server.ConnectAsync();

        Assert.Equal(ResultCode.InvalidCredentials, (await client.BindAsync("", "alice-password")).ResultCode);
        Assert.Equal("", await client.WhoAmIAsync());
    }

    [Fact]
    public async Task AnonymousBindSucceedsWhenAllowed()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowAnonymous = true);
        await using var client = await server.ConnectAsync();

        Assert.Equal(ResultCode.Success, (await client.BindAsync("", "")).ResultCode);
        Assert.Equal("", await client.WhoAmIAsync());
    }

    // RFC 4513 5.1.2 and 6.3.1: a name without a password would look like a successful login to a careless app.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ANameWithoutAPasswordIsRefusedAsAnUnauthenticatedBind(bool allowAnonymous)
    {
        await using var server = await TestServer.StartAsync(o => o.AllowAnonymous = allowAnonymous);
        await using var client = await server.ConnectAsync();

        Assert.Equal(ResultCode.UnwillingToPerform, (await client.BindAsync(Alice, "")).ResultCode);
        Assert.Equal("", await client.WhoAmIAsync());
        var search = await client.SearchAsync(TestServer.People, SearchScope.SingleLevel, "(uid=alice)");
        Assert.Equal(allowAnonymous ? ResultCode.Success : ResultCode.InsufficientAccessRights, search.Result.ResultCode);
    }

    [Fact]
    public async Task ABindNameThatIsNoDnIsInvalidDnSyntax()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        Assert.Equal(ResultCode.InvalidDNSyntax, (await client.BindAsync("alice", "alice-password")).ResultCode);
    }

    [Fact]
    public async Task UnbindClosesTheConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        await client.SendAsync(new UnbindRequest());

        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task NoPasswordIsEverLogged()
    {
        await using var server = await TestServer.StartAsync();
        await using (var client = await server.ConnectAsync())
        {
            await client.BindAsync(Alice, "alice-password");
            await client.BindAsync(Alice, "a-wrong-one");
        }
        await server.Server.StopAsync();

        Assert.NotEmpty(server.Logger.Lines);
        Assert.DoesNotContain(server.Logger.Lines, line => line.Contains("alice-password") || line.Contains("a-wrong-one"));
    }

    [Fact]
    public async Task EachBindIsToldWhoLastBoundOnTheConnectionEvenAfterAFailedBind()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        const string Wiki = "cn=wiki,ou=apps,dc=example,dc=org";

        await client.BindAsync(Wiki, "wiki-secret");
        await client.BindAsync(Alice, "a-wrong-one");
        await client.BindAsync(Alice, "alice-password");
        await client.BindAsync(Alice, "alice-password");
        await using var other = await server.ConnectAsync();
        await other.BindAsync(Alice, "alice-password");

        // The failed bind leaves the connection anonymous (RFC 4511 4.2.1) but does not forget who opened it.
        Assert.Equal([null, Wiki, Wiki, Alice, null], server.Directory.EarlierIdentities.Select(e => e?.Dn.ToString()));
    }
}
