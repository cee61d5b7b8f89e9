using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Users;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// The directory as apps that speak LDAP use it, through Debian's ldapsearch and ldapwhoami against a
/// running Roster: binds, every filter type and scope, attribute selection, paging, the lookups Nextcloud
/// and Gitea configure, and changes made in the dashboard showing at once. Runs on both database providers.
/// </summary>
public abstract class LdapDirectoryTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<Group> GroupAsync(string name, params User[] members) => Server.WithAsync(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, name, "Test group")).Value!;
        if (members.Length > 0)
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        return group;
    });

    /// <summary>An app whose access is limited to <paramref name="group"/>, with a service account; its bind DN and password.</summary>
    private Task<(App App, string BindDn, string Password)> ServiceAccountAsync(Group group) => Server.WithAsync(async services =>
    {
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings(NewName("Wiki"), "https://wiki.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var password = (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;
        return (app, $"cn={app.ClientId},ou=apps,{BaseDn}", password);
    });

    [Fact]
    public async Task APersonBindsWithTheirPasswordAndWrongOrDisabledBindsAreRefused()
    {
        var user = await Server.CreateUserAsync(NewName("alice"), Password);
        var disabled = await Server.CreateUserAsync(NewName("gone"), Password, enabled: false);

        var whoami = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(user.UserName!), "-w", Password);
        var wrong = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(user.UserName!), "-w", "not the password");
        var unknown = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn("nobody"), "-w", Password);
        var off = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(disabled.UserName!), "-w", Password);
        var anonymous = await RunAsync("ldapsearch", "-x", "-LLL", "-H", Url(Server), "-b", BaseDn, "(uid=*)");
        var rootDse = await RunAsync("ldapsearch", "-x", "-LLL", "-H", Url(Server), "-b", "", "-s", "base", "namingContexts");

        Assert.Equal((0, $"dn:{UserDn(user.UserName!)}"), (whoami.ExitCode, whoami.Output.Trim()));
        Assert.All(new[] { wrong, unknown, off }, refused => Assert.Equal(49, refused.ExitCode));
        Assert.Contains("Invalid credentials", wrong.Errors);
        // The failed bind counts toward the account's lockout, as a failed web sign-in does.
        Assert.Equal(1, await Server.FailuresAsync(user));
        // ldapsearch without -D binds anonymously first: the bind succeeds (RFC 4513 5.1.1) and reads the rootDSE,
        // while the tree stays closed unless the operator allows anonymous searches.
        Assert.Equal((50, ""), (anonymous.ExitCode, anonymous.Output.Trim()));
        Assert.Equal((0, $"dn:\nnamingContexts: {BaseDn}"), (rootDse.ExitCode, rootDse.Output.Trim()));
    }

    [Fact]
    public async Task ATemporaryPasswordBindsBesideThePersonsOwn()
    {
        var user = await Server.CreateUserAsync(NewName("imp"), Password);
        var temporary = await Server.WithAsync(async services =>
            (await services.GetRequiredService<TemporaryPasswords>().IssueAsync(Actor.Operator, user.Id, CancellationToken.None)).Value!);

        var bound = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(user.UserName!), "-w", temporary);

        Assert.Equal(0, bound.ExitCode);
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.TargetId == user.Id && e.Action == Roster.Audit.AuditActions.TemporaryPasswordUsed)));
    }

    [Fact]
    public async Task AServiceAccountSeesOnlyThePeopleAllowedToUseItsApp()
    {
        var member = await Server.CreateUserAsync(NewName("member"), Password);
        var outsider = await Server.CreateUserAsync(NewName("outsider"), Password);
        var group = await GroupAsync(NewName("staff"), member);
        var (_, bindDn, password) = await ServiceAccountAsync(group);

        var (_, people) = await SearchAsync(Server, bindDn, password, $"ou=people,{BaseDn}", "one", "(objectClass=inetOrgPerson)", ["uid"]);
        var (_, groups) = await SearchAsync(Server, bindDn, password, $"ou=groups,{BaseDn}", "one", $"(cn={group.Name})", ["member"]);
        var wrong = await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", bindDn, "-w", "not the password");

        var uids = people.SelectMany(p => p.Values("uid")).ToList();
        Assert.Contains(member.UserName, uids);
        Assert.DoesNotContain(outsider.UserName, uids);
        Assert.Equal([UserDn(member.UserName!)], groups.Single().Values("member"));
        Assert.Equal(49, wrong.ExitCode);
    }

    [Fact]
    public async Task EachFilterTypeFindsWhatItShould()
    {
        var ann = await Server.CreateUserAsync(NewName("ann"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var me = UserDn(ann.UserName!);
        async Task<List<string>> UidsAsync(string filter) =>
            [.. (await SearchAsync(Server, me, Password, $"ou=people,{BaseDn}", "one", filter, ["uid"])).Entries.SelectMany(e => e.Values("uid"))];

        Assert.Equal([ann.UserName!], await UidsAsync($"(uid={ann.UserName!.ToUpperInvariant()})"));
        Assert.Equal([ann.UserName], await UidsAsync($"(uid~={ann.UserName})"));
        Assert.Equal([ann.UserName], await UidsAsync($"(&(objectClass=person)(mail={ann.Email}))"));
        Assert.Equal([ann.UserName, bob.UserName], (await UidsAsync($"(|(uid={ann.UserName})(uid={bob.UserName}))")).Order());
        Assert.Equal([ann.UserName], await UidsAsync($"(&(|(uid={ann.UserName})(uid={bob.UserName}))(!(uid={bob.UserName})))"));
        Assert.Equal([ann.UserName], await UidsAsync($"(uid={ann.UserName![..4]}*{ann.UserName[^3..]})"));
        Assert.Equal([ann.UserName], await UidsAsync($"(&(mail=*)(cn=*{ann.Name[^8..]}))"));
        // uid and cn have no ordering rule (as in OpenLDAP's schema), so >= and <= are tried on the timestamps.
        Assert.Equal([ann.UserName], await UidsAsync($"(&(uid={ann.UserName})(createTimestamp>=20000101000000Z)(modifyTimestamp<=99991231235959Z))"));
        Assert.Empty(await UidsAsync($"(&(uid={ann.UserName})(createTimestamp<=20000101000000Z))"));
        Assert.Empty(await UidsAsync($"(uid>={ann.UserName})"));
        Assert.Empty(await UidsAsync("(uid=nobody-at-all)"));
        // Extensible matches (RFC 4515's "(type:dn:rule:=value)") with RFC 4517's rules, by name or OID.
        Assert.Equal([ann.UserName], await UidsAsync($"(uid:caseExactMatch:={ann.UserName})"));
        Assert.Empty(await UidsAsync($"(uid:2.5.13.5:={ann.UserName.ToUpperInvariant()})"));
        Assert.Equal([ann.UserName], await UidsAsync($"(&(ou:dn:=people)(:caseIgnoreMatch:={ann.UserName.ToUpperInvariant()}))"));
        Assert.Empty(await UidsAsync($"(uid:1.2.840.113556.1.4.803:={ann.UserName})"));
    }

    [Fact]
    public async Task AnEmptyGroupStillHasTheMembersItsObjectClassesRequire()
    {
        var viewer = await Server.CreateUserAsync(NewName("viewer"), Password);
        var group = await GroupAsync(NewName("empty"));

        var (_, groups) = await SearchAsync(Server, UserDn(viewer.UserName!), Password, $"ou=groups,{BaseDn}", "one", $"(cn={group.Name})", ["member", "uniqueMember"]);

        Assert.Equal(["cn=empty-membership-placeholder"], groups.Single().Values("member"));
        Assert.Equal(["cn=empty-membership-placeholder"], groups.Single().Values("uniqueMember"));
    }

    [Fact]
    public async Task EachScopeReturnsItsPartOfTheTree()
    {
        var user = await Server.CreateUserAsync(NewName("scope"), Password);
        var me = UserDn(user.UserName!);
        async Task<List<string>> DnsAsync(string baseDn, string scope) =>
            [.. (await SearchAsync(Server, me, Password, baseDn, scope, "(objectClass=*)", ["1.1"])).Entries.Select(e => e.Dn)];

        Assert.Equal([BaseDn], await DnsAsync(BaseDn, "base"));
        Assert.Equal([$"ou=groups,{BaseDn}", $"ou=mail,{BaseDn}", $"ou=people,{BaseDn}"], (await DnsAsync(BaseDn, "one")).Order());
        Assert.Equal([me], await DnsAsync(me, "base"));
        var people = (await SearchAsync(Server, me, Password, $"ou=people,{BaseDn}", "one", "(objectClass=*)", ["1.1"], "-E", "pr=500/noprompt")).Entries.Select(e => e.Dn).ToList();
        Assert.Contains(me, people);
        Assert.DoesNotContain($"ou=people,{BaseDn}", people);
        // Paged or filtered, since another test of this class fills the directory past the size limit.
        var subtree = (await SearchAsync(Server, me, Password, BaseDn, "sub", $"(|(dc=*)(ou=*)(uid={user.UserName}))", ["1.1"])).Entries.Select(e => e.Dn);
        Assert.Equal([BaseDn, $"ou=groups,{BaseDn}", $"ou=mail,{BaseDn}", $"ou=people,{BaseDn}", me], subtree.Order());
        var missing = await RunAsync("ldapsearch", "-x", "-LLL", "-H", Url(Server), "-D", me, "-w", Password, "-b", UserDn("nobody"), "-s", "base");
        Assert.Equal(32, missing.ExitCode);
    }

    [Fact]
    public async Task AttributeSelectionReturnsWhatWasAskedFor()
    {
        var user = await Server.CreateUserAsync(NewName("attrs"), Password);
        var me = UserDn(user.UserName!);
        async Task<LdifEntry> EntryAsync(params string[] attributes) =>
            (await SearchAsync(Server, me, Password, me, "base", "(objectClass=*)", attributes)).Entries.Single();

        var all = await EntryAsync();
        var some = await EntryAsync("uid", "MAIL");
        var none = await EntryAsync("1.1");
        var operational = await EntryAsync("+");
        var both = await EntryAsync("*", "+");

        Assert.Equal([user.UserName!], all.Values("uid"));
        Assert.Equal([user.Email!], all.Values("mail"));
        Assert.Equal([user.Name], all.Values("cn"));
        Assert.Contains("inetOrgPerson", all.Values("objectClass"));
        Assert.Empty(all.Values("entryUUID"));
        Assert.Equal(["uid", "mail"], some.Attributes.Keys.Select(k => k.ToLowerInvariant()).Order().Reverse());
        Assert.Empty(none.Attributes);
        Assert.Equal([user.Id.ToString()], operational.Values("entryUUID"));
        Assert.Empty(operational.Values("uid"));
        Assert.NotEmpty(both.Values("uid"));
        Assert.NotEmpty(both.Values("entryUUID"));
    }

    [Fact]
    public async Task NextcloudAndGiteaLookupsFindMembersAndGroups()
    {
        var user = await Server.CreateUserAsync(NewName("nc"), Password);
        var other = await Server.CreateUserAsync(NewName("nc"), Password);
        var group = await GroupAsync(NewName("cloud"), user);
        var groupDn = $"cn={group.Name},ou=groups,{BaseDn}";
        var me = UserDn(user.UserName!);

        // Nextcloud: members of a group by memberOf, and a person's groups by member / uniqueMember.
        var (_, members) = await SearchAsync(Server, me, Password, BaseDn, "sub", $"(&(objectClass=inetOrgPerson)(memberOf={groupDn}))", ["uid", "memberOf"]);
        var (_, groupsOfUser) = await SearchAsync(Server, me, Password, BaseDn, "sub", $"(&(objectClass=groupOfNames)(member={me}))", ["cn"]);
        var (_, uniqueGroups) = await SearchAsync(Server, me, Password, $"ou=groups,{BaseDn}", "sub", $"(&(objectClass=groupOfUniqueNames)(uniqueMember={me}))", ["cn"]);
        // Gitea: sign-in name as uid or mail, restricted to a group.
        var (_, gitea) = await SearchAsync(Server, me, Password, $"ou=people,{BaseDn}", "sub",
            $"(&(objectClass=inetOrgPerson)(|(uid={user.Email})(mail={user.Email}))(memberOf={groupDn}))", ["uid", "mail", "givenName", "sn"]);

        Assert.Equal([user.UserName], members.SelectMany(m => m.Values("uid")));
        Assert.Equal([groupDn], members.Single().Values("memberOf"));
        Assert.Equal([group.Name], groupsOfUser.SelectMany(g => g.Values("cn")));
        Assert.Equal([group.Name], uniqueGroups.SelectMany(g => g.Values("cn")));
        Assert.Equal([user.UserName], gitea.SelectMany(g => g.Values("uid")));
        Assert.DoesNotContain(other.UserName, members.SelectMany(m => m.Values("uid")));
    }

    [Fact]
    public async Task PagedResultsListMoreThanTheSizeLimitAndUnpagedSearchesStopAtIt()
    {
        var me = await Server.CreateUserAsync(NewName("pager"), Password);
        await Server.QueryAsync(async db =>
        {
            var now = DateTime.UtcNow;
            for (var i = 0; i < 1_050; i++)
            {
                var name = $"bulk{i:D4}{Guid.NewGuid().ToString("N")[..6]}";
                db.Users.Add(new User
                {
                    Id = Guid.CreateVersion7(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), Email = $"{name}@example.org",
                    NormalizedEmail = $"{name}@example.org".ToUpperInvariant(), Name = $"Bulk {i}", SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = now, UpdatedAt = now,
                });
            }
            return await db.SaveChangesAsync();
        });

        var (pagedExit, paged) = await SearchAsync(Server, UserDn(me.UserName!), Password, $"ou=people,{BaseDn}", "one", "(uid=bulk*)", ["uid"], "-E", "pr=200/noprompt");
        var (limitedExit, limited) = await SearchAsync(Server, UserDn(me.UserName!), Password, $"ou=people,{BaseDn}", "one", "(uid=bulk*)", ["uid"]);

        Assert.Equal(0, pagedExit);
        Assert.True(paged.Count >= 1_050, $"paged search returned {paged.Count}");
        Assert.Equal(paged.Count, paged.Select(e => e.Dn).Distinct().Count());
        Assert.Equal(4, limitedExit);
        Assert.Equal(1_000, limited.Count);
    }

    [Fact]
    public async Task ChangesInTheDashboardShowAtOnce()
    {
        var viewer = await Server.CreateUserAsync(NewName("viewer"), Password);
        var user = await Server.CreateUserAsync(NewName("changing"), Password);
        var me = UserDn(viewer.UserName!);
        async Task<List<LdifEntry>> FindAsync() =>
            (await SearchAsync(Server, me, Password, $"ou=people,{BaseDn}", "one", $"(uid={user.UserName})", ["memberOf", "cn"])).Entries;

        Assert.Empty((await FindAsync()).Single().Values("memberOf"));
        var group = await GroupAsync(NewName("late"), user);
        Assert.Equal([$"cn={group.Name},ou=groups,{BaseDn}"], (await FindAsync()).Single().Values("memberOf"));
        await Server.WithAsync(async services => await services.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false));
        Assert.Empty(await FindAsync());
    }

    [Fact]
    public async Task AnonymousSearchesWorkOnlyWhereTheOperatorAllowsThem()
    {
        await using var database = await TestDatabase.CreateAsync("Sqlite");
        await using var open = await RosterServer.StartAsync(database, new Dictionary<string, string?> { ["Roster:Ldap:AllowAnonymous"] = "true" });
        var user = await open.CreateUserAsync(NewName("public"), Password);

        var anonymous = await RunAsync("ldapsearch", "-x", "-LLL", "-H", Url(open), "-b", BaseDn, $"(uid={user.UserName})", "uid");

        Assert.Equal(0, anonymous.ExitCode);
        Assert.Contains($"uid: {user.UserName}", anonymous.Output);
    }

    [Fact]
    public async Task WritesAreRefusedAsUnwillingToPerform()
    {
        var user = await Server.CreateUserAsync(NewName("writer"), Password);
        var ldif = Path.GetTempFileName();
        await File.WriteAllTextAsync(ldif, $"dn: {UserDn(user.UserName!)}\nchangetype: modify\nreplace: mail\nmail: new@example.org\n");

        var modify = await RunAsync("ldapmodify", "-x", "-H", Url(Server), "-D", UserDn(user.UserName!), "-w", Password, "-f", ldif);

        Assert.Equal(53, modify.ExitCode);
        Assert.Equal(user.Email, (await Server.StoredUserAsync(user.Id)).Email);
    }
}

public sealed class LdapDirectoryOnSqlite(SqliteRoster fixture) : LdapDirectoryTests(fixture), IClassFixture<SqliteRoster>;

public sealed class LdapDirectoryOnPostgres(PostgresRoster fixture) : LdapDirectoryTests(fixture), IClassFixture<PostgresRoster>;
