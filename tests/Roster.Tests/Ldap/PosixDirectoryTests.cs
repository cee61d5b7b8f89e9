using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// People as posixAccount and groups as posixGroup, through Debian's ldapsearch with the filters Linux hosts send
/// (nslcd's, sssd's), on both database providers, with home and shell patterns from Roster:Posix.
/// </summary>
public abstract class PosixDirectoryTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<Group> GroupAsync(string name, params User[] members) => Server.WithAsync(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, name, "")).Value!;
        if (members.Length > 0)
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        return group;
    });

    private async Task<List<LdifEntry>> SearchAsync(User bound, string filter, params string[] attributes) =>
        (await LdapTools.SearchAsync(Server, UserDn(bound.UserName!), Password, BaseDn, "sub", filter, attributes)).Entries;

    [Fact]
    public async Task NslcdsLookupsFindAPersonByNameAndByNumberWithEveryPosixAttribute()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var uid = (await Server.StoredUserAsync(alice.Id)).UidNumber;

        var byName = await SearchAsync(alice, $"(&(objectClass=posixAccount)(uid={alice.UserName}))",
            "uid", "uidNumber", "gidNumber", "homeDirectory", "loginShell", "gecos", "cn", "objectClass");
        var byNumber = await SearchAsync(alice, $"(&(objectClass=posixAccount)(uidNumber={uid}))", "uid");
        var inRange = await SearchAsync(alice, $"(&(uid={alice.UserName})(uidNumber>={uid})(uidNumber<={uid})(gidNumber={uid}))", "uid");
        var notANumber = await SearchAsync(alice, $"(&(objectClass=posixAccount)(uidNumber=ten))", "uid");

        var entry = byName.Single();
        Assert.Equal(UserDn(alice.UserName!), entry.Dn);
        Assert.Equal([uid.ToString()], entry.Values("uidNumber"));
        Assert.Equal([uid.ToString()], entry.Values("gidNumber"));
        Assert.Equal([$"/srv/home/{alice.UserName}"], entry.Values("homeDirectory"));
        Assert.Equal(["/bin/zsh"], entry.Values("loginShell"));
        Assert.Equal([alice.Name], entry.Values("gecos"));
        Assert.Contains("posixAccount", entry.Values("objectClass"));
        Assert.DoesNotContain("ldapPublicKey", entry.Values("objectClass"));
        Assert.Equal([alice.UserName], byNumber.SelectMany(e => e.Values("uid")));
        Assert.Equal([alice.UserName], inRange.SelectMany(e => e.Values("uid")));
        Assert.Empty(notANumber);
    }

    [Fact]
    public async Task NslcdsLookupsFindAGroupByNameNumberAndMemberWithMemberUidBesideMember()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var staff = await GroupAsync(NewName("staff"), alice, bob);
        var empty = await GroupAsync(NewName("empty"));
        var gid = await Server.QueryAsync(db => Task.FromResult(db.Groups.Single(g => g.Id == staff.Id).GidNumber));

        var byName = await SearchAsync(alice, $"(&(objectClass=posixGroup)(cn={staff.Name}))", "cn", "gidNumber", "memberUid", "member", "objectClass");
        var byNumber = await SearchAsync(alice, $"(&(objectClass=posixGroup)(gidNumber={gid}))", "cn");
        var ofAlice = await SearchAsync(alice, $"(&(objectClass=posixGroup)(memberUid={alice.UserName}))", "cn");
        // What nslcd asks for a person's groups (initgroups) when both attributes are mapped.
        var either = await SearchAsync(alice, $"(&(objectClass=posixGroup)(|(memberUid={bob.UserName})(member={UserDn(bob.UserName!)})))", "cn");
        var emptyGroup = await SearchAsync(alice, $"(&(objectClass=posixGroup)(cn={empty.Name}))", "gidNumber", "memberUid");

        var entry = byName.Single();
        Assert.Equal([gid.ToString()], entry.Values("gidNumber"));
        Assert.Equal(new[] { alice.UserName, bob.UserName }.Order(), entry.Values("memberUid").Order());
        Assert.Equal(2, entry.Values("member").Count);
        Assert.Contains("posixGroup", entry.Values("objectClass"));
        Assert.Contains("groupOfNames", entry.Values("objectClass"));
        Assert.Equal([staff.Name], byNumber.SelectMany(e => e.Values("cn")));
        Assert.Equal([staff.Name], ofAlice.SelectMany(e => e.Values("cn")));
        Assert.Equal([staff.Name], either.SelectMany(e => e.Values("cn")));
        Assert.Single(emptyGroup.Single().Values("gidNumber"));
        Assert.Empty(emptyGroup.Single().Values("memberUid"));
    }

    [Fact]
    public async Task SshKeysArePublishedForAuthorizedKeysCommandAndGoWhenRemoved()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var line = (await Roster.Tests.Accounts.SshKeygen.NewAsync("ed25519", comment: "alice@laptop")).PublicLine;
        var key = await Server.WithAsync(async services => (await services.GetRequiredService<SshKeys>().AddAsync(Actor.For(alice), alice.Id, line)).Value!);
        var filter = $"(&(objectClass=ldapPublicKey)(uid={alice.UserName}))";

        var published = await SearchAsync(alice, filter, "sshPublicKey", "objectClass");
        await Server.WithAsync(async services => (await services.GetRequiredService<SshKeys>().RemoveAsync(Actor.For(alice), alice.Id, key.Id)).Value!);
        var afterRemoval = await SearchAsync(alice, filter, "sshPublicKey");
        var withoutKeys = await SearchAsync(alice, $"(&(objectClass=posixAccount)(uid={alice.UserName}))", "sshPublicKey");

        Assert.Equal([line], published.Single().Values("sshPublicKey"));
        Assert.Empty(afterRemoval);
        Assert.Empty(withoutKeys.Single().Values("sshPublicKey"));
    }

    [Fact]
    public async Task AServiceAccountSeesThePosixAccountsOfThePeopleItsAppAllows()
    {
        var member = await Server.CreateUserAsync(NewName("ssh"), Password);
        var outsider = await Server.CreateUserAsync(NewName("out"), Password);
        var group = await GroupAsync(NewName("linux"), member);
        var (bindDn, password) = await Server.WithAsync(async services =>
        {
            var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
                new AppSettings(NewName("Hosts"), "https://hosts.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
            return ($"cn={app.ClientId},ou=apps,{BaseDn}", (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!);
        });

        var (_, people) = await LdapTools.SearchAsync(Server, bindDn, password, $"ou=people,{BaseDn}", "one", "(objectClass=posixAccount)", ["uid", "uidNumber"]);
        var (_, groups) = await LdapTools.SearchAsync(Server, bindDn, password, $"ou=groups,{BaseDn}", "one", $"(&(objectClass=posixGroup)(cn={group.Name}))", ["memberUid"]);

        // The member, and the owner, who as an admin may use every app (PRODUCT.md section 1); not the outsider.
        Assert.Equal(new[] { member.UserName!, Server.Owner.Username }.Order(), people.SelectMany(p => p.Values("uid")).Order());
        Assert.All(people, p => Assert.Single(p.Values("uidNumber")));
        Assert.DoesNotContain(outsider.UserName, people.SelectMany(p => p.Values("uid")));
        Assert.Equal([member.UserName!], groups.Single().Values("memberUid"));
    }

    [Fact]
    public async Task ANameAHostWouldReadAsANumberStaysAPersonWithoutAPosixAccount()
    {
        var viewer = await Server.CreateUserAsync(NewName("viewer"), Password);
        var digits = await Server.CreateUserAsync(Random.Shared.Next(100_000_000, 999_999_999).ToString(), Password);

        var person = await SearchAsync(viewer, $"(uid={digits.UserName})", "objectClass", "uidNumber");

        Assert.Contains("inetOrgPerson", person.Single().Values("objectClass"));
        Assert.DoesNotContain("posixAccount", person.Single().Values("objectClass"));
        Assert.Empty(person.Single().Values("uidNumber"));
    }

    [Fact]
    public async Task TheSubschemaDescribesThePosixClassesAndAttributes()
    {
        var viewer = await Server.CreateUserAsync(NewName("schema"), Password);

        var (_, schema) = await LdapTools.SearchAsync(Server, UserDn(viewer.UserName!), Password, "cn=Subschema", "base", "(objectClass=subschema)", ["objectClasses", "attributeTypes"]);

        var classes = schema.Single().Values("objectClasses");
        var types = schema.Single().Values("attributeTypes");
        Assert.Contains(classes, c => c.Contains("NAME 'posixAccount'") && c.Contains("AUXILIARY"));
        Assert.Contains(classes, c => c.Contains("NAME 'posixGroup'") && c.Contains("AUXILIARY"));
        Assert.Contains(classes, c => c.Contains("NAME 'ldapPublicKey'"));
        Assert.Contains(types, t => t.Contains("NAME 'uidNumber'") && t.Contains("EQUALITY integerMatch"));
        Assert.Contains(types, t => t.Contains("NAME 'sshPublicKey'"));
    }
}

public sealed class PosixSqliteRoster() : RosterFixture("Sqlite")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Roster:Posix:HomeDirectory"] = "/srv/home/{username}",
        ["Roster:Posix:LoginShell"] = "/bin/zsh",
    };
}

public sealed class PosixPostgresRoster() : RosterFixture("Postgres")
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Roster:Posix:HomeDirectory"] = "/srv/home/{username}",
        ["Roster:Posix:LoginShell"] = "/bin/zsh",
    };
}

public sealed class PosixDirectoryOnSqlite(PosixSqliteRoster fixture) : PosixDirectoryTests(fixture), IClassFixture<PosixSqliteRoster>;

public sealed class PosixDirectoryOnPostgres(PosixPostgresRoster fixture) : PosixDirectoryTests(fixture), IClassFixture<PosixPostgresRoster>;
