using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class PagingTests
{
    private const string People = TestServer.People;

    private static readonly SearchRequest EveryoneUnderPeople =
        new(People, SearchScope.WholeSubtree, DerefAliases.NeverDerefAliases, 0, 0, false, Filter.Everything, ["1.1"]);

    [Fact]
    public async Task PagesHaveTheRequestedSizeAndTheLastOneHasAnEmptyCookie()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var first = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(3));
        var (total, cookie) = Paging.ReadResponse(first.Controls);
        var second = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(3, cookie));
        var (_, lastCookie) = Paging.ReadResponse(second.Controls);

        Assert.Equal([People, "uid=alice," + People, "uid=bob," + People], first.Dns);
        Assert.Equal(4, total);
        Assert.False(cookie.IsEmpty);
        Assert.Equal(["uid=carol," + People], second.Dns);
        Assert.Equal(ResultCode.Success, second.Result.ResultCode);
        Assert.True(lastCookie.IsEmpty);
        Assert.Single(server.Directory.Queries);
    }

    [Fact]
    public async Task APageLargerThanTheResultReturnsEverythingWithAnEmptyCookie()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var only = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(100, critical: true));

        Assert.Equal(4, only.Entries.Count);
        Assert.True(Paging.ReadResponse(only.Controls).Cookie.IsEmpty);
    }

    [Fact]
    public async Task SizeZeroWithTheCookieAbandonsThePagedSearch()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var first = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(1));
        var cookie = Paging.ReadResponse(first.Controls).Cookie;

        var abandon = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(0, cookie));
        var afterwards = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(1, cookie));

        Assert.Equal(ResultCode.Success, abandon.Result.ResultCode);
        Assert.Empty(abandon.Entries);
        Assert.True(Paging.ReadResponse(abandon.Controls).Cookie.IsEmpty);
        Assert.Equal(ResultCode.UnwillingToPerform, afterwards.Result.ResultCode);
        Assert.Empty(afterwards.Entries);
    }

    [Fact]
    public async Task ACookieIsRefusedForADifferentSearch()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var cookie = Paging.ReadResponse((await client.SearchAsync(EveryoneUnderPeople, Paging.Request(1))).Controls).Cookie;

        var other = await client.SearchAsync(EveryoneUnderPeople with { Filter = Filter.Parse("(uid=*)") }, Paging.Request(1, cookie));
        var forged = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(1, new ValueArray<byte>([9, 9, 9, 9])));

        Assert.Equal(ResultCode.UnwillingToPerform, other.Result.ResultCode);
        Assert.Equal(ResultCode.UnwillingToPerform, forged.Result.ResultCode);
    }

    [Fact]
    public async Task ACookieBelongsToItsConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAliceAsync();
        await using var other = await server.ConnectAsAliceAsync();
        var cookie = Paging.ReadResponse((await alice.SearchAsync(EveryoneUnderPeople, Paging.Request(1))).Controls).Cookie;

        var stolen = await other.SearchAsync(EveryoneUnderPeople, Paging.Request(1, cookie));

        Assert.Equal(ResultCode.UnwillingToPerform, stolen.Result.ResultCode);
    }

    [Fact]
    public async Task TheClientsSizeLimitCountsAcrossPages()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var limited = EveryoneUnderPeople with { SizeLimit = 3 };

        var first = await client.SearchAsync(limited, Paging.Request(2));
        var second = await client.SearchAsync(limited, Paging.Request(2, Paging.ReadResponse(first.Controls).Cookie));

        Assert.Equal(2, first.Entries.Count);
        Assert.Equal(ResultCode.Success, first.Result.ResultCode);
        Assert.Single(second.Entries);
        Assert.Equal(ResultCode.SizeLimitExceeded, second.Result.ResultCode);
    }

    [Fact]
    public async Task TheServersSizeLimitBoundsEachPageButNotTheWholeResult()
    {
        await using var server = await TestServer.StartAsync(o => o.SizeLimit = 2);
        await using var client = await server.ConnectAsAliceAsync();

        var first = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(10));
        var second = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(10, Paging.ReadResponse(first.Controls).Cookie));

        Assert.Equal(2, first.Entries.Count);
        Assert.Equal(2, second.Entries.Count);
        Assert.Equal(ResultCode.Success, second.Result.ResultCode);
        Assert.True(Paging.ReadResponse(second.Controls).Cookie.IsEmpty);
    }

    [Fact]
    public async Task AMalformedPagingControlIsAProtocolErrorResult()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(EveryoneUnderPeople, new Control(Paging.Oid, true, new ValueArray<byte>([1, 2, 3])));

        Assert.Equal(ResultCode.ProtocolError, outcome.Result.ResultCode);
        Assert.Empty(outcome.Entries);
    }

    [Fact]
    public async Task ABindForgetsThePagesFoundForThePreviousIdentity()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var cookie = Paging.ReadResponse((await client.SearchAsync(EveryoneUnderPeople, Paging.Request(1))).Controls).Cookie;

        await client.BindAsync("cn=wiki,ou=apps,dc=example,dc=org", "wiki-secret");
        var resumed = await client.SearchAsync(EveryoneUnderPeople, Paging.Request(10, cookie));

        Assert.Equal(ResultCode.UnwillingToPerform, resumed.Result.ResultCode);
        Assert.Empty(resumed.Entries);
    }
}
