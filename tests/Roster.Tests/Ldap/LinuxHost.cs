using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// A Linux host's name service (nslcd or sssd, from Debian's packages) run against a Roster by a test: the README's
/// configuration from docs/linux-hosts, pointed at the test's server, mounted over the host's files in a mount
/// namespace of the test's own (unshare -m), with fresh tmpfs where the daemon keeps its sockets and state. Nothing
/// outside the namespace changes, and the daemon is stopped before the namespace ends.
/// </summary>
public static class LinuxHost
{
    public static string SnippetPath(string name) => Path.Combine(Repository.Root, "docs", "linux-hosts", name);

    /// <summary>A snippet with the README's placeholders replaced by this server's address and an app's service account.</summary>
    public static async Task<string> SnippetForAsync(string name, RosterServer server, string clientId, string password)
    {
        var url = LdapTools.Url(server);
        var text = (await File.ReadAllTextAsync(SnippetPath(name)))
            .Replace("ldap://roster.example.org:3890", url)
            .Replace("cn=CLIENT_ID,", $"cn={clientId},")
            .Replace("SERVICE_ACCOUNT_PASSWORD", password);
        Assert.Contains(url, text);
        return text;
    }

    /// <summary>The app the hosts bind as: open to one new group of <paramref name="members"/>, with an LDAP service account.</summary>
    public static async Task<(Group Group, string ClientId, string Password)> HostAppAsync(RosterServer server, string groupName, params User[] members)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
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
    /// Runs <paramref name="setup"/> (mounts, as root, in the new namespace; $dir is <paramref name="folder"/>), starts
    /// <paramref name="daemon"/> in the background, waits for <paramref name="socket"/>, then runs each query (`id alice`,
    /// `sss_ssh_authorizedkeys alice`, otherwise `getent …`) and stops the daemon. Each query's output, or "exit N".
    /// </summary>
    public static async Task<List<string>> QueryAsync(string folder, string setup, string daemon, string socket, params string[] queries)
    {
        var script = $$"""
            set -e
            dir="$1"; shift
            mount --make-rprivate /
            {{setup}}
            {{daemon}} 2>"$dir/daemon.log" &
            daemon=$!
            waited=0
            until [ -S {{socket}} ]; do
              waited=$((waited + 1))
              if ! kill -0 "$daemon" 2>/dev/null; then echo "the daemon stopped" >&2; exit 90; fi
              if [ "$waited" -gt 300 ]; then echo "the daemon opened no socket within 30 s" >&2; kill "$daemon"; exit 90; fi
              sleep 0.1
            done
            set +e
            for query in "$@"; do
              echo "=="
              case "$query" in
                id\ *) id ${query#id } ;;
                sss_ssh_authorizedkeys\ *) sss_ssh_authorizedkeys ${query#sss_ssh_authorizedkeys } ;;
                *) getent $query ;;
              esac || echo "exit $?"
            done
            kill "$daemon"
            wait "$daemon" 2>/dev/null
            exit 0
            """;
        var start = new ProcessStartInfo("unshare", ["-m", "sh", "-c", script, "sh", folder, .. queries])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
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
        var logPath = Path.Combine(folder, "daemon.log");
        var log = File.Exists(logPath) ? await File.ReadAllTextAsync(logPath) : "";
        Assert.True(process.ExitCode == 0,
            $"{daemon} in its namespace failed ({process.ExitCode}; it needs root and Debian's nslcd, libnss-ldapd and sssd-ldap, as .ci/run installs): {await errors}\n{log}");
        var answers = (await output).Split("==\n").Skip(1).Select(a => a.Trim()).ToList();
        Assert.True(answers.Count == queries.Length, $"expected {queries.Length} answers: {await output}\n{log}");
        return answers;
    }
}
