using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// A Linux host that takes its accounts from Roster through Debian's nslcd and libnss-ldapd, configured with the
/// README's nslcd.conf, answering getent and id (see <see cref="LinuxHost"/> for how nothing outside the test changes).
/// </summary>
public sealed class NslcdInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";

    /// <summary>The lines README tells a host to put in /etc/nsswitch.conf.</summary>
    public const string NsswitchLines = "passwd:         files ldap\ngroup:          files ldap\n";

    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task GetentAndIdThroughNslcdSeeTheHostsPeopleAndGroupsWithTheirNumbers()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await Server.CreateUserAsync("alice" + suffix, Password);
        var bob = await Server.CreateUserAsync("bob" + suffix, Password);
        var carol = await Server.CreateUserAsync("carol" + suffix, Password);
        var (group, clientId, password) = await LinuxHost.HostAppAsync(Server, "engineers" + suffix, alice, bob);
        var uid = (await Server.StoredUserAsync(alice.Id)).UidNumber;
        var gid = await Server.QueryAsync(db => Task.FromResult(db.Groups.Single(g => g.Id == group.Id).GidNumber));
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "nslcd.conf"), await LinuxHost.SnippetForAsync("nslcd.conf", Server, clientId, password));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "nsswitch.conf"), NsswitchLines);

        var answers = await LinuxHost.QueryAsync(folder.Path,
            """
            chmod 600 "$dir/nslcd.conf"
            mount --bind "$dir/nslcd.conf" /etc/nslcd.conf
            mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf
            mount -t tmpfs -o mode=0755 tmpfs /run
            mkdir /run/nslcd
            chown nslcd:nslcd /run/nslcd
            """,
            "nslcd -d", "/run/nslcd/socket",
            $"passwd {alice.UserName}", $"group {group.Name}", $"passwd {uid}", $"group {gid}", $"passwd {carol.UserName}", $"id {alice.UserName}");

        Assert.Equal([alice.UserName!, "*", $"{uid}", $"{uid}", alice.Name, $"/home/{alice.UserName}", "/bin/bash"], answers[0].Split(':'));
        var groupFields = answers[1].Split(':');
        Assert.Equal([group.Name, "*", $"{gid}"], groupFields[..3]);
        Assert.Equal(new[] { alice.UserName!, bob.UserName! }.Order(), groupFields[3].Split(',').Order());
        Assert.StartsWith($"{alice.UserName}:", answers[2]);
        Assert.StartsWith($"{group.Name}:", answers[3]);
        // Carol is not in the group the hosts' app allows, so its service account does not see her.
        Assert.Equal("exit 2", answers[4]);
        Assert.Equal($"uid={uid}({alice.UserName}) gid={uid} groups={uid},{gid}({group.Name})", answers[5]);
    }

    [Fact]
    public async Task TheReadmeShowsExactlyTheConfigurationsTheseTestsRun()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));

        foreach (var snippet in new[] { "nslcd.conf", "sssd.conf", "roster-authorized-keys" })
            Assert.Contains(await File.ReadAllTextAsync(LinuxHost.SnippetPath(snippet)), readme);
        Assert.Contains(NsswitchLines, readme);
        Assert.Contains(SssdInteropTests.NsswitchLines, readme);
    }
}
