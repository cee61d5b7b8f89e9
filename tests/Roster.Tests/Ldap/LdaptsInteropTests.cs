using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// npm's ldapts, an LDAP client library we did not write (tests/interop/ldap/client.mjs), against a
/// running Roster: a service account's bind, paged and filtered searches on one connection, compare,
/// and a refused bind reported with its LDAP error.
/// </summary>
public sealed class LdaptsInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static Task<JsonElement> ClientAsync(object input) => NodeScript.RunAsync("ldap", "ldapts", input, "client.mjs", NodeScript.InputFile);

    [Fact]
    public async Task AServiceAccountSearchesPagesAndComparesOnOneConnection()
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var members = new List<User>();
        for (var i = 0; i < 5; i++)
            members.Add(await Server.CreateUserAsync($"ts{i}{Guid.NewGuid().ToString("N")[..6]}", Password));
        var outsider = await Server.CreateUserAsync("tsout" + Guid.NewGuid().ToString("N")[..6], Password);
        var group = (await services.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, "ts" + Guid.NewGuid().ToString("N")[..6], "")).Value!;
        await services.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!));
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings("Chat" + Guid.NewGuid().ToString("N")[..6], "https://chat.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var password = (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;

        var result = await ClientAsync(new
        {
            url = Url(Server),
            bindDn = $"cn={app.ClientId},ou=apps,{BaseDn}",
            password,
            searches = new object[]
            {
                new { @base = $"ou=people,{BaseDn}", scope = "one", filter = "(objectClass=inetOrgPerson)", attributes = new[] { "uid", "mail" }, paged = 2 },
                new { @base = BaseDn, scope = "sub", filter = $"(&(objectClass=groupOfNames)(cn={group.Name}))", attributes = new[] { "member" } },
                new { @base = $"ou=people,{BaseDn}", scope = "one", filter = $"(uid={outsider.UserName})", attributes = Array.Empty<string>() },
            },
            compare = new { dn = UserDn(members[0].UserName!), attribute = "mail", value = members[0].Email },
        });

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        var results = result.GetProperty("results");
        var listed = results[0].GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("uid").GetString()).ToList();
        Assert.Equal(members.Select(m => m.UserName).Order(), listed.Where(u => u!.StartsWith("ts")).Order());
        Assert.DoesNotContain(outsider.UserName, listed);
        Assert.Equal(members.Count, results[1].GetProperty("entries")[0].GetProperty("member").GetArrayLength());
        Assert.Equal(0, results[2].GetProperty("dns").GetArrayLength());
        Assert.True(result.GetProperty("compare").GetBoolean());
    }

    [Fact]
    public async Task AWrongPasswordIsReportedAsInvalidCredentials()
    {
        var user = await Server.CreateUserAsync("tswrong" + Guid.NewGuid().ToString("N")[..6], Password);

        var result = await ClientAsync(new { url = Url(Server), bindDn = UserDn(user.UserName!), password = "not the password" });

        Assert.Equal(49, result.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("InvalidCredentialsError", result.GetProperty("error").GetProperty("name").GetString());
    }
}
