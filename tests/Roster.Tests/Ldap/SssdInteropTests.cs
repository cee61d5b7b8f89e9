using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Tests.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// A Linux host that takes its accounts and SSH keys from Roster through Debian's sssd (sssd-ldap), configured with
/// the README's sssd.conf: getent, id and sss_ssh_authorizedkeys (sshd's AuthorizedKeysCommand); and the README's
/// ldapsearch script for hosts without sssd (see <see cref="LinuxHost"/> for how nothing outside the test changes).
/// </summary>
public sealed class SssdInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";

    /// <summary>The lines README tells an sssd host to put in /etc/nsswitch.conf.</summary>
    public const string NsswitchLines = "passwd:         files sss\ngroup:          files sss\n";

    private RosterServer Server => fixture.Server;

    private async Task<SshKey> AddKeyAsync(User user, string line)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<SshKeys>().AddAsync(Actor.For(user), user.Id, line)).Value!;
    }

    [Fact]
    public async Task GetentIdAndSshKeysThroughSssdSeeTheHostsPeopleAndGroups()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await Server.CreateUserAsync("alice" + suffix, Password);
        var carol = await Server.CreateUserAsync("carol" + suffix, Password);
        var laptop = (await SshKeygen.NewAsync("ed25519", comment: "alice@laptop")).PublicLine;
        var desk = (await SshKeygen.NewAsync("ecdsa", 256, comment: "alice@desk")).PublicLine;
        await AddKeyAsync(alice, laptop);
        await AddKeyAsync(alice, desk);
        await AddKeyAsync(carol, (await SshKeygen.NewAsync("ed25519")).PublicLine);
        var (group, clientId, password) = await LinuxHost.HostAppAsync(Server, "ops" + suffix, alice);
        var uid = (await Server.StoredUserAsync(alice.Id)).UidNumber;
        var gid = await Server.QueryAsync(db => Task.FromResult(db.Groups.Single(g => g.Id == group.Id).GidNumber));
        using var folder = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(folder.Path, "sssd"));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "sssd", "sssd.conf"), await LinuxHost.SnippetForAsync("sssd.conf", Server, clientId, password));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "nsswitch.conf"), NsswitchLines);

        var answers = await LinuxHost.QueryAsync(folder.Path,
            """
            chmod 600 "$dir/sssd/sssd.conf"
            mount --bind "$dir/sssd" /etc/sssd
            mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf
            mount -t tmpfs -o mode=0755 tmpfs /run
            mount -t tmpfs -o mode=0755 tmpfs /var/lib/sss
            mount -t tmpfs -o mode=0750 tmpfs /var/log/sssd
            mkdir -p /var/lib/sss/db /var/lib/sss/pipes/private /var/lib/sss/mc /var/lib/sss/pubconf /var/lib/sss/gpo_cache /var/lib/sss/keytabs
            """,
            "sssd -i --logger=stderr", "/var/lib/sss/pipes/nss",
            $"passwd {alice.UserName}", $"group {gid}", $"id {alice.UserName}", $"sss_ssh_authorizedkeys {alice.UserName}", $"passwd {carol.UserName}");

        Assert.Equal([alice.UserName!, "*", $"{uid}", $"{uid}", alice.Name, $"/home/{alice.UserName}", "/bin/bash"], answers[0].Split(':'));
        Assert.Equal($"{group.Name}:*:{gid}:{alice.UserName}", answers[1]);
        Assert.Equal($"uid={uid}({alice.UserName}) gid={uid} groups={uid},{gid}({group.Name})", answers[2]);
        Assert.Equal(new[] { laptop, desk }.Order(), answers[3].Split('\n').Order());
        Assert.Equal("exit 2", answers[4]);
    }

    [Fact]
    public async Task TheReadmesAuthorizedKeysScriptPrintsAPersonsKeysForSshd()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await Server.CreateUserAsync("alice" + suffix, Password);
        var carol = await Server.CreateUserAsync("carol" + suffix, Password);
        var line = (await SshKeygen.NewAsync("ed25519", comment: "alice@laptop")).PublicLine;
        await AddKeyAsync(alice, line);
        await AddKeyAsync(carol, (await SshKeygen.NewAsync("ed25519")).PublicLine);
        var (_, clientId, password) = await LinuxHost.HostAppAsync(Server, "ssh" + suffix, alice);
        using var folder = new TempDirectory();
        var secret = Path.Combine(folder.Path, "roster-ldap.secret");
        await File.WriteAllTextAsync(secret, password);
        var script = Path.Combine(folder.Path, "roster-authorized-keys");
        await File.WriteAllTextAsync(script, (await LinuxHost.SnippetForAsync("roster-authorized-keys", Server, clientId, password)).Replace("/etc/roster-ldap.secret", secret));

        async Task<string> KeysAsync(string user)
        {
            var run = Process.Start(new ProcessStartInfo("sh", [script, user]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await run.StandardOutput.ReadToEndAsync();
            await run.WaitForExitAsync();
            return output.Trim();
        }

        Assert.Equal(line, await KeysAsync(alice.UserName!));
        // Carol is not allowed on these hosts; a name that could change the filter is not even asked for.
        Assert.Equal("", await KeysAsync(carol.UserName!));
        Assert.Equal("", await KeysAsync("*"));
    }
}
