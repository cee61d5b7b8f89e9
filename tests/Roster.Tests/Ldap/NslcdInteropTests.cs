using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// A Linux host that takes its accounts from Roster: Debian's nslcd and libnss-ldapd, configured with the README's
/// nslcd.conf (docs/linux-hosts/nslcd.conf), answering getent and id. nslcd runs in a mount namespace of its own
/// (unshare -m), where that file, an nsswitch.conf and a fresh /run are mounted over the host's: nothing outside the
/// namespace changes, and nslcd ends with the test.
/// </summary>
public sealed class NslcdInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";

    /// <summary>The lines README tells a host to put in /etc/nsswitch.conf.</summary>
    public const string NsswitchLines = "passwd:         files ldap\ngroup:          files ldap\n";

    public static string SnippetPath => Path.Combine(Repository.Root, "docs", "linux-hosts", "nslcd.conf");

    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task GetentAndIdThroughNslcdSeeTheHostsPeopleAndGroupsWithTheirNumbers()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await Server.CreateUserAsync("alice" + suffix, Password);
        var bob = await Server.CreateUserAsync("bob" + suffix, Password);
        var carol = await Server.CreateUserAsync("carol" + suffix, Password);
        var (group, clientId, password) = await HostAppAsync("engineers" + suffix, alice, bob);
        var uid = (await Server.StoredUserAsync(alice.Id)).UidNumber;
        var gid = await Server.QueryAsync(db => Task.FromResult(db.Groups.Single(g => g.Id == group.Id).GidNumber));

        var answers = await GetentAsync(clientId, password,
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
    public async Task TheReadmeShowsExactlyTheConfigurationThisTestRuns()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));

        Assert.Contains(await File.ReadAllTextAsync(SnippetPath), readme);
        Assert.Contains(NsswitchLines, readme);
    }

    /// <summary>The app the hosts bind as: open to one group, with an LDAP service account; its group, client id and password.</summary>
    private async Task<(Group Group, string ClientId, string Password)> HostAppAsync(string groupName, params User[] members)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, groupName, "May sign in to the Linux hosts")).Value!;
        Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings("Linux hosts " + groupName, "https://hosts.example.org", "", DirectoryMode.UseRoster, AppAccess.Groups, [group.Id]))).Value!;
        var password = (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;
        return (group, app.ClientId, password);
    }

    /// <summary>
    /// Starts nslcd in a private mount namespace with the README's configuration pointed at this Roster, runs each
    /// query there (`getent passwd alice`, `id alice`), stops nslcd; each query's output, or "exit N" when it failed.
    /// </summary>
    private async Task<List<string>> GetentAsync(string clientId, string password, params string[] queries)
    {
        using var folder = new TempDirectory();
        var url = LdapTools.Url(Server);
        var conf = (await File.ReadAllTextAsync(SnippetPath))
            .Replace("ldap://roster.example.org:3890/", url + "/")
            .Replace("cn=CLIENT_ID,", $"cn={clientId},")
            .Replace("SERVICE_ACCOUNT_PASSWORD", password);
        Assert.Contains(url, conf);
        var confPath = Path.Combine(folder.Path, "nslcd.conf");
        await File.WriteAllTextAsync(confPath, conf);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "nsswitch.conf"), NsswitchLines);

        // Inside the namespace only: the host's /etc files stay as they are, /run is a fresh tmpfs (no system nslcd or
        // nscd socket is reached), and nslcd (in the foreground with -d) is stopped before the namespace ends.
        const string script = """
            set -e
            dir="$1"; shift
            mount --make-rprivate /
            # nslcd refuses a configuration with a bindpw that others may read.
            chmod 600 "$dir/nslcd.conf"
            mount --bind "$dir/nslcd.conf" /etc/nslcd.conf
            mount --bind "$dir/nsswitch.conf" /etc/nsswitch.conf
            mount -t tmpfs -o mode=0755 tmpfs /run
            mkdir /run/nslcd
            chown nslcd:nslcd /run/nslcd
            nslcd -d 2>"$dir/nslcd.log" &
            nslcd=$!
            waited=0
            until [ -S /run/nslcd/socket ]; do
              waited=$((waited + 1))
              if ! kill -0 "$nslcd" 2>/dev/null; then echo "nslcd stopped" >&2; exit 90; fi
              if [ "$waited" -gt 200 ]; then echo "nslcd did not open its socket within 20 s" >&2; kill "$nslcd"; exit 90; fi
              sleep 0.1
            done
            set +e
            for query in "$@"; do
              echo "=="
              case "$query" in
                id\ *) id ${query#id } ;;
                *) getent $query ;;
              esac || echo "exit $?"
            done
            kill "$nslcd"
            wait "$nslcd" 2>/dev/null
            exit 0
            """;
        var start = new ProcessStartInfo("unshare", ["-m", "sh", "-c", script, "sh", folder.Path, .. queries])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
        var log = File.Exists(Path.Combine(folder.Path, "nslcd.log")) ? await File.ReadAllTextAsync(Path.Combine(folder.Path, "nslcd.log")) : "";
        Assert.True(process.ExitCode == 0,
            $"nslcd in its namespace failed ({process.ExitCode}; install nslcd and libnss-ldapd, as .ci/run does, and run as root): {await errors}\n{log}");
        var answers = (await output).Split("==\n", StringSplitOptions.None).Skip(1).Select(a => a.Trim()).ToList();
        Assert.True(answers.Count == queries.Length, $"expected {queries.Length} answers: {await output}\n{log}");
        return answers;
    }
}
