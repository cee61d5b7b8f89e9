using Roster.Ldap.Tests.Support;

namespace Roster.Ldap.Tests;

public class SearchTests
{
    private const string Base = TestServer.Base;
    private const string People = TestServer.People;
    private const string Groups = TestServer.Groups;
    private const string Alice = "uid=alice," + People;

    private static SearchRequest Request(string baseDn, SearchScope scope, string filter, int sizeLimit = 0, bool typesOnly = false, params string[] attributes) =>
        new(baseDn, scope, DerefAliases.NeverDerefAliases, sizeLimit, 0, typesOnly, Filter.Parse(filter), [.. attributes]);

    private static Dictionary<string, string[]> AttributesOf(SearchResultEntry entry) =>
        entry.Attributes.ToDictionary(a => a.Type, a => a.Values.ToArray());

    [Fact]
    public async Task SearchingByUidReturnsThatPersonWithTheirUserAttributes()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Base, SearchScope.WholeSubtree, "(uid=alice)");

        Assert.Equal(ResultCode.Success, outcome.Result.ResultCode);
        var entry = outcome.Single();
        Assert.Equal(Alice, entry.ObjectName);
        var attributes = AttributesOf(entry);
        Assert.Equal(["top", "person", "organizationalPerson", "inetOrgPerson"], attributes["objectClass"]);
        Assert.Equal(["alice"], attributes["uid"]);
        Assert.Equal(["Alice Liddell"], attributes["cn"]);
        Assert.Equal(["Liddell"], attributes["sn"]);
        Assert.Equal(["Alice"], attributes["givenName"]);
        Assert.Equal(["Alice Liddell"], attributes["displayName"]);
        Assert.Equal(["alice@example.org"], attributes["mail"]);
        Assert.Equal(["cn=admins," + Groups, "cn=staff," + Groups], attributes["memberOf"]);
        Assert.False(attributes.ContainsKey("entryUUID"));
    }

    [Fact]
    public async Task TheHostIsToldWhichUidTheFilterNames()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        await client.SearchAsync(People, SearchScope.SingleLevel, "(&(objectClass=inetOrgPerson)(uid=bob))");

        var query = Assert.Single(server.Directory.Queries);
        Assert.True(query.People);
        Assert.False(query.Groups);
        Assert.True(query.TryGetEquality(Schema.Uid, out var uid));
        Assert.Equal("bob", uid);
        Assert.False(query.TryGetEquality(Schema.Mail, out _));
    }

    [Fact]
    public async Task ABaseSearchOfTheSuffixReturnsTheSuffixEntryAndAsksTheHostNothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Base, SearchScope.BaseObject, "(objectClass=*)");

        var attributes = AttributesOf(outcome.Single());
        Assert.Equal(["top", "dcObject", "organization"], attributes["objectClass"]);
        Assert.Equal(["example"], attributes["dc"]);
        Assert.Empty(server.Directory.Queries);
    }

    [Fact]
    public async Task OneLevelUnderTheSuffixReturnsTheThreeOrganizationalUnits()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Base, SearchScope.SingleLevel, "(objectClass=*)");

        Assert.Equal([People, Groups, "ou=mail," + Base], outcome.Dns);
        Assert.Empty(server.Directory.Queries);
    }

    [Fact]
    public async Task OneLevelUnderPeopleListsThePeopleButNotTheDisabled()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(People, SearchScope.SingleLevel, "(objectClass=*)", "1.1");

        Assert.Equal([Alice, "uid=bob," + People, "uid=carol," + People], outcome.Dns);
        Assert.All(outcome.Entries, e => Assert.Empty(e.Attributes));
    }

    [Fact]
    public async Task AWholeSubtreeSearchReturnsTheTree()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Base, SearchScope.WholeSubtree, "(objectClass=*)", "1.1");

        Assert.Equal(
            [Base, People, Groups, "ou=mail," + Base, Alice, "uid=bob," + People, "uid=carol," + People, "cn=admins," + Groups, "cn=staff," + Groups],
            outcome.Dns);
    }

    [Fact]
    public async Task GroupsListTheirMembersByDn()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Groups, SearchScope.WholeSubtree, "(&(objectClass=groupOfNames)(member=UID=Bob,OU=People,DC=example,DC=org))");

        var attributes = AttributesOf(outcome.Single());
        Assert.Equal(["cn=staff," + Groups], outcome.Dns);
        Assert.Equal(new[] { "alice", "bob", "carol" }.Select(u => $"uid={u},{People}"), attributes["member"]);
        Assert.Equal(attributes["member"], attributes["uniqueMember"]);
        Assert.Equal(["top", "groupOfNames", "groupOfUniqueNames"], attributes["objectClass"]);
        var query = Assert.Single(server.Directory.Queries);
        Assert.False(query.People);
        Assert.True(query.Groups);
    }

    [Fact]
    public async Task ABaseSearchOfAPersonReturnsThatPersonAndNamesThemToTheHost()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync("uid=Carol," + People, SearchScope.BaseObject, "(objectClass=*)", "uid");

        Assert.Equal(["uid=carol," + People], outcome.Dns);
        Assert.Equal("Carol", Assert.Single(server.Directory.Queries).Username);
    }

    [Theory]
    [InlineData("uid=nobody,ou=people,dc=example,dc=org", People)]
    [InlineData("uid=dave,ou=people,dc=example,dc=org", People)]
    [InlineData("cn=x,uid=alice,ou=people,dc=example,dc=org", People)]
    [InlineData("cn=alice,ou=people,dc=example,dc=org", People)]
    [InlineData("cn=nobody,ou=groups,dc=example,dc=org", Groups)]
    [InlineData("ou=elsewhere,dc=example,dc=org", Base)]
    [InlineData("dc=example,dc=com", "")]
    public async Task AMissingBaseIsNoSuchObjectNamingTheNearestEntryAbove(string baseDn, string matched)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(baseDn, SearchScope.WholeSubtree, "(objectClass=*)");

        Assert.Equal(ResultCode.NoSuchObject, outcome.Result.ResultCode);
        Assert.Equal(matched, outcome.Result.MatchedDN);
        Assert.Empty(outcome.Entries);
    }

    [Fact]
    public async Task ABaseThatIsNoDnIsInvalidDnSyntax()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync("people", SearchScope.WholeSubtree, "(objectClass=*)");

        Assert.Equal(ResultCode.InvalidDNSyntax, outcome.Result.ResultCode);
    }

    [Theory]
    [InlineData(new string[0], new[] { "objectClass", "uid", "cn", "sn", "givenName", "displayName", "mail", "memberOf" })]
    [InlineData(new[] { "*" }, new[] { "objectClass", "uid", "cn", "sn", "givenName", "displayName", "mail", "memberOf" })]
    [InlineData(new[] { "+" }, new[] { "entryUUID", "createTimestamp", "modifyTimestamp" })]
    [InlineData(new[] { "1.1" }, new string[0])]
    [InlineData(new[] { "1.1", "uid" }, new[] { "uid" })]
    [InlineData(new[] { "MAIL", "commonName", "entryuuid", "noSuchAttribute" }, new[] { "cn", "mail", "entryUUID" })]
    [InlineData(new[] { "*", "modifyTimestamp" }, new[] { "objectClass", "uid", "cn", "sn", "givenName", "displayName", "mail", "memberOf", "modifyTimestamp" })]
    [InlineData(new[] { "0.9.2342.19200300.100.1.3" }, new[] { "mail" })]
    public async Task RequestedAttributesSelectWhatComesBack(string[] requested, string[] returned)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(People, SearchScope.WholeSubtree, "(uid=alice)", requested);

        Assert.Equal(returned, outcome.Single().Attributes.Select(a => a.Type));
    }

    [Fact]
    public async Task OperationalAttributesHaveTheirSyntaxes()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var attributes = AttributesOf((await client.SearchAsync(People, SearchScope.WholeSubtree, "(uid=alice)", "+")).Single());

        Assert.Equal(server.Directory.People[0].Id.ToString(), Assert.Single(attributes["entryUUID"]));
        Assert.Equal(["20240102030405Z"], attributes["createTimestamp"]);
        Assert.Equal(["20240607080910Z"], attributes["modifyTimestamp"]);
    }

    [Fact]
    public async Task TypesOnlyReturnsNamesWithoutValues()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Request(People, SearchScope.WholeSubtree, "(uid=alice)", typesOnly: true, attributes: ["uid", "mail"]));

        var entry = outcome.Single();
        Assert.Equal(["uid", "mail"], entry.Attributes.Select(a => a.Type));
        Assert.All(entry.Attributes, a => Assert.Empty(a.Values));
    }

    [Fact]
    public async Task AnUndefinedFilterMatchesNothingEvenUnderNot()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Base, SearchScope.WholeSubtree, "(!(unknownAttribute=x))");

        Assert.Equal(ResultCode.Success, outcome.Result.ResultCode);
        Assert.Empty(outcome.Entries);
    }

    [Fact]
    public async Task TheClientsSizeLimitStopsTheSearchWithSizeLimitExceeded()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Request(People, SearchScope.SingleLevel, "(objectClass=person)", sizeLimit: 2));

        Assert.Equal(ResultCode.SizeLimitExceeded, outcome.Result.ResultCode);
        Assert.Equal(2, outcome.Entries.Count);
    }

    [Fact]
    public async Task ASizeLimitThatAllMatchesFitIsNotExceeded()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync(Request(People, SearchScope.SingleLevel, "(objectClass=person)", sizeLimit: 3));

        Assert.Equal(ResultCode.Success, outcome.Result.ResultCode);
        Assert.Equal(3, outcome.Entries.Count);
    }

    [Fact]
    public async Task TheServersSizeLimitWinsOverALargerOrNoClientLimit()
    {
        await using var server = await TestServer.StartAsync(o => o.SizeLimit = 2);
        await using var client = await server.ConnectAsAliceAsync();

        var unlimited = await client.SearchAsync(Request(People, SearchScope.SingleLevel, "(objectClass=person)"));
        var larger = await client.SearchAsync(Request(People, SearchScope.SingleLevel, "(objectClass=person)", sizeLimit: 10));

        Assert.Equal(ResultCode.SizeLimitExceeded, unlimited.Result.ResultCode);
        Assert.Equal(2, unlimited.Entries.Count);
        Assert.Equal(ResultCode.SizeLimitExceeded, larger.Result.ResultCode);
        Assert.Equal(2, larger.Entries.Count);
    }

    [Fact]
    public async Task AnAppsServiceAccountSeesOnlyThePeopleAllowedToUseTheApp()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAsync("cn=wiki,ou=apps,dc=example,dc=org", "wiki-secret");

        var outcome = await client.SearchAsync(People, SearchScope.SingleLevel, "(objectClass=person)", "1.1");
        var carol = await client.SearchAsync("uid=carol," + People, SearchScope.BaseObject, "(objectClass=*)");

        Assert.Equal([Alice, "uid=bob," + People], outcome.Dns);
        Assert.Equal(ResultCode.NoSuchObject, carol.Result.ResultCode);
        Assert.Equal(People, carol.Result.MatchedDN);
    }

    [Fact]
    public async Task BeforeABindOnlyTheRootDseCanBeRead()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var rootDse = await client.SearchAsync("", SearchScope.BaseObject, "(objectClass=*)");
        var tree = await client.SearchAsync(Base, SearchScope.BaseObject, "(objectClass=*)");
        var schema = await client.SearchAsync("cn=Subschema", SearchScope.BaseObject, "(objectClass=*)");

        Assert.Equal(ResultCode.Success, rootDse.Result.ResultCode);
        Assert.Single(rootDse.Entries);
        Assert.Equal(ResultCode.InsufficientAccessRights, tree.Result.ResultCode);
        Assert.Empty(tree.Entries);
        Assert.Equal(ResultCode.InsufficientAccessRights, schema.Result.ResultCode);
        Assert.Empty(server.Directory.Queries);
    }

    [Fact]
    public async Task AnonymousSearchesWhenAllowedAskTheHostAsTheAnonymousIdentity()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowAnonymous = true);
        await using var client = await server.ConnectAsync();

        var outcome = await client.SearchAsync(People, SearchScope.SingleLevel, "(uid=bob)");

        Assert.Equal(["uid=bob," + People], outcome.Dns);
        Assert.Same(BoundIdentity.Anonymous, Assert.Single(server.Directory.Askers));
    }

    [Fact]
    public async Task TheRootDseListsTheNamingContextAndWhatTheServerSupports()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var plain = AttributesOf((await client.SearchAsync("", SearchScope.BaseObject, "(objectClass=*)")).Single());
        var all = AttributesOf((await client.SearchAsync("", SearchScope.BaseObject, "(objectClass=*)", "+")).Single());

        Assert.Equal(["objectClass"], plain.Keys);
        Assert.Equal([Base], all["namingContexts"]);
        Assert.Equal(["3"], all["supportedLDAPVersion"]);
        Assert.Equal([Paging.Oid], all["supportedControl"]);
        Assert.Equal([Extended.WhoAmIOid], all["supportedExtension"]);
        Assert.Equal(["cn=Subschema"], all["subschemaSubentry"]);
        Assert.Equal(["Roster"], all["vendorName"]);
    }

    [Fact]
    public async Task TheSubschemaDescribesTheAttributesServed()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();

        var outcome = await client.SearchAsync("cn=Subschema", SearchScope.BaseObject, "(objectClass=subschema)", "attributeTypes", "objectClasses");

        var attributes = AttributesOf(outcome.Single());
        Assert.Contains("( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )", attributes["attributeTypes"]);
        Assert.Contains(attributes["objectClasses"], d => d.Contains("NAME 'inetOrgPerson'"));
    }

    [Fact]
    public async Task AnUnknownCriticalControlIsUnavailableCriticalExtensionAndANonCriticalOneIsIgnored()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var request = Request(People, SearchScope.SingleLevel, "(uid=alice)");

        var critical = await client.SearchAsync(request, new Control("1.2.3.4.5", true));
        var optional = await client.SearchAsync(request, new Control("1.2.3.4.5", false));

        Assert.Equal(ResultCode.UnavailableCriticalExtension, critical.Result.ResultCode);
        Assert.Empty(critical.Entries);
        Assert.Equal(ResultCode.Success, optional.Result.ResultCode);
        Assert.Single(optional.Entries);
    }

    [Fact]
    public async Task PipelinedSearchesAreAllAnsweredInOrder()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsAliceAsync();
        var names = new[] { "alice", "bob", "carol" };
        var batch = new List<byte>();
        for (var i = 0; i < 60; i++)
        {
            batch.AddRange(LdapCodec.Encode(new LdapMessage(100 + i, Request(People, SearchScope.SingleLevel, $"(uid={names[i % 3]})", attributes: "uid"))));
        }

        await client.SendRawAsync([.. batch]);

        for (var i = 0; i < 60; i++)
        {
            var outcome = await client.ReadSearchAsync(100 + i);
            Assert.Equal([names[i % 3]], outcome.Single().Attributes.Single().Values);
        }
    }

    [Fact]
    public async Task AbandonCancelsAnOutstandingSearchAndTheConnectionGoesOn()
    {
        await using var server = await TestServer.StartAsync();
        var cancelled = new TaskCompletionSource();
        server.Directory.BeforeSearch = async (query, token) =>
        {
            if (query.TryGetEquality(Schema.Uid, out var uid) && uid == "slow")
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    cancelled.TrySetResult();
                }
            }
        };
        await using var client = await server.ConnectAsAliceAsync();

        var slow = await client.SendAsync(Request(People, SearchScope.SingleLevel, "(uid=slow)"));
        await client.SendAsync(new AbandonRequest(slow));
        var next = await client.SendAsync(Request(People, SearchScope.SingleLevel, "(uid=bob)"));

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var outcome = await client.ReadSearchAsync(next);
        Assert.Equal(["uid=bob," + People], outcome.Dns);
    }

    [Fact]
    public async Task AFailingHostIsAnsweredWithOtherAndTheSessionGoesOn()
    {
        await using var server = await TestServer.StartAsync();
        server.Directory.BeforeSearch = (query, _) =>
            query.TryGetEquality(Schema.Uid, out var uid) && uid == "boom" ? throw new InvalidOperationException("database down") : Task.CompletedTask;
        await using var client = await server.ConnectAsAliceAsync();

        var failed = await client.SearchAsync(People, SearchScope.SingleLevel, "(uid=boom)");
        var next = await client.SearchAsync(People, SearchScope.SingleLevel, "(uid=bob)");

        Assert.Equal(ResultCode.Other, failed.Result.ResultCode);
        Assert.DoesNotContain("database down", failed.Result.DiagnosticMessage);
        Assert.Single(next.Entries);
        Assert.Contains(server.Logger.Errors, e => e.Contains("database down"));
        server.Logger.Errors.Clear();
    }

    [Fact]
    public async Task RequestsBehindASlowSearchWaitTheirTurnAndAreAnsweredInOrder()
    {
        await using var server = await TestServer.StartAsync();
        var release = new TaskCompletionSource();
        server.Directory.BeforeSearch = (query, _) =>
            query.TryGetEquality(Schema.Uid, out var uid) && uid == "alice" ? release.Task : Task.CompletedTask;
        await using var client = await server.ConnectAsAliceAsync();
        var batch = new List<byte>();
        foreach (var (id, uid) in new[] { (10, "alice"), (11, "bob"), (12, "carol") })
        {
            batch.AddRange(LdapCodec.Encode(new LdapMessage(id, Request(People, SearchScope.SingleLevel, $"(uid={uid})", attributes: "uid"))));
        }

        await client.SendRawAsync([.. batch]);
        await client.SendAsync(new LdapMessage(13, new AbandonRequest(99)));
        release.SetResult();

        Assert.Equal(["uid=alice," + People], (await client.ReadSearchAsync(10)).Dns);
        Assert.Equal(["uid=bob," + People], (await client.ReadSearchAsync(11)).Dns);
        Assert.Equal(["uid=carol," + People], (await client.ReadSearchAsync(12)).Dns);
    }
}
