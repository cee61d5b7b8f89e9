using Roster.Tests.Infrastructure;

namespace Roster.Tests.Users;

/// <summary>A person's Linux numbers: on /user/&lt;id&gt; for admins only, on /account for the person.</summary>
public sealed class PosixNumbersOnPagesTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task AdminsSeeAPersonsUidAndGidOnTheirPageAndUserManagersDoNot()
    {
        var (person, own) = await Server.SignedInAsync(Role.User);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);
        var uid = (await Server.StoredUserAsync(person.Id)).UidNumber;

        var asAdmin = await admin.GetAsync($"/user/{person.Id}");
        var asManager = await manager.GetAsync($"/user/{person.Id}");
        var account = await own.GetAsync("/account");

        Assert.True(uid >= 10000);
        Assert.Contains($"User ID (uidNumber){uid}Group ID (gidNumber){uid}", Facts(asAdmin));
        Assert.Null(asManager.Document.QuerySelector("#linux-heading"));
        Assert.Contains($"User ID (uidNumber){uid}Group ID (gidNumber){uid}", Facts(account));
    }

    private static string Facts(Page page) =>
        string.Concat(page.Document.QuerySelector("section[aria-labelledby=linux-heading] dl")!.Children.Select(c => c.TextContent.Split(',')[0].Trim()));
}
