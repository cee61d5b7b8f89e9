using System.Diagnostics;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Ldap;

/// <summary>
/// Debian's Dovecot (dovecot-core, dovecot-ldap) with its own configuration in a temporary folder: no listeners,
/// only the authentication service, its sockets, state and log there too, so nothing of /etc/dovecot is read and
/// nothing system-wide changes. Its password database is README's snippet (docs/ldap) pointed at a running Roster.
/// </summary>
public sealed class Dovecot : IAsyncDisposable
{
    private readonly TempDirectory folder;
    private readonly Process master;

    private Dovecot(TempDirectory folder, Process master)
    {
        this.folder = folder;
        this.master = master;
    }

    private string ConfigPath => Path.Combine(folder.Path, "dovecot.conf");

    public string Log => File.Exists(Path.Combine(folder.Path, "dovecot.log")) ? File.ReadAllText(Path.Combine(folder.Path, "dovecot.log")) : "(no log)";

    /// <summary>README's snippets as a mail server would use them, pointed at <paramref name="ldapUrl"/> with the app's service account.</summary>
    public static Task<Dovecot> StartAsync(string ldapUrl, string clientId, string servicePassword) =>
        StartAsync(ldapUrl, clientId, servicePassword, "dovecot-ldap.conf.ext", "dovecot-passdb.conf.ext", "/etc/dovecot/dovecot-ldap.conf.ext");

    /// <summary>
    /// README's mail-directory snippets: sign-in by mailbox address, and the user database from LDAP too (mail homes
    /// below <see cref="MailHome"/>, owned by Debian's nobody/nogroup instead of a vmail account this machine lacks).
    /// </summary>
    public static Task<Dovecot> StartWithMailboxesAsync(string ldapUrl, string clientId, string servicePassword) =>
        StartAsync(ldapUrl, clientId, servicePassword, "dovecot-mailboxes.conf.ext", "dovecot-mailboxes-auth.conf.ext", "/etc/dovecot/dovecot-roster-mailboxes.conf.ext");

    private static async Task<Dovecot> StartAsync(string ldapUrl, string clientId, string servicePassword, string argsSnippet, string authSnippet, string argsPathInSnippet)
    {
        var folder = new TempDirectory();
        var argsPath = Path.Combine(folder.Path, argsSnippet);
        var values = new Dictionary<string, string>
        {
            ["ldap://<roster host>:3890"] = ldapUrl,
            ["<client id>"] = clientId,
            ["<service account password>"] = servicePassword,
        };
        var args = ConfigSnippet.Read(argsSnippet, values);
        if (args.Contains("/var/vmail/", StringComparison.Ordinal))
            args = args.Replace("/var/vmail/", Path.Combine(folder.Path, "vmail") + "/", StringComparison.Ordinal)
                .Replace("=uid=vmail", "=uid=nobody", StringComparison.Ordinal).Replace("=gid=vmail", "=gid=nogroup", StringComparison.Ordinal);
        await File.WriteAllTextAsync(argsPath, args);
        var auth = ConfigSnippet.Read(authSnippet, new Dictionary<string, string> { [argsPathInSnippet] = argsPath });
        Directory.CreateDirectory(Path.Combine(folder.Path, "state"));
        // The accounts Debian's package makes for Dovecot's own processes; the person's mail home is never used by an auth test.
        var staticUserdb = auth.Contains("userdb", StringComparison.Ordinal) ? "" : $$"""
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home={{folder.Path}}/home/%u
            }
            """;
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "dovecot.conf"), $$"""
            base_dir = {{folder.Path}}/run
            state_dir = {{folder.Path}}/state
            log_path = {{folder.Path}}/dovecot.log
            protocols =
            ssl = no
            default_internal_user = dovecot
            default_login_user = dovenull
            auth_mechanisms = plain
            disable_plaintext_auth = no
            auth_failure_delay = 0
            auth_verbose = yes
            {{auth}}
            {{staticUserdb}}
            """);
        var start = new ProcessStartInfo("dovecot", ["-F", "-c", Path.Combine(folder.Path, "dovecot.conf")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process master;
        try
        {
            master = Process.Start(start) ?? throw new InvalidOperationException("dovecot did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            folder.Dispose();
            throw new InvalidOperationException("dovecot is not installed: install dovecot-core and dovecot-ldap (.ci/run does).", e);
        }
        var dovecot = new Dovecot(folder, master);
        var socket = Path.Combine(folder.Path, "run", "auth-client");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(socket))
        {
            if (master.HasExited || DateTime.UtcNow > deadline)
            {
                var why = master.HasExited ? await master.StandardError.ReadToEndAsync() : "no auth socket after 20 s";
                var log = dovecot.Log;
                await dovecot.DisposeAsync();
                throw new InvalidOperationException($"dovecot did not start: {why}\n{log}");
            }
            await Task.Delay(50);
        }
        return dovecot;
    }

    /// <summary><c>doveadm auth test</c>: whether Dovecot's password database accepts the name and password.</summary>
    public async Task<bool> AuthTestAsync(string username, string password)
    {
        var (exit, output, errors) = await LdapTools.RunAsync("doveadm", "-c", ConfigPath, "auth", "test", username, password);
        // 0: accepted; 77 (EX_NOPERM): refused. Anything else is Dovecot failing, which must not pass for a refusal.
        Assert.True(exit is 0 or 77, $"doveadm auth test exited {exit}: {output}{errors}\n{Log}");
        return exit == 0;
    }

    /// <summary>Where the user database puts mail homes (README's /var/vmail).</summary>
    public string MailHome => Path.Combine(folder.Path, "vmail");

    /// <summary><c>doveadm user</c>: the user database's fields for a login (home, uid, …), or null when it has no such user.</summary>
    public async Task<Dictionary<string, string>?> UserAsync(string username)
    {
        var (exit, output, errors) = await LdapTools.RunAsync("doveadm", "-c", ConfigPath, "user", username);
        // 0: found; 67 (EX_NOUSER): no such user. Anything else is Dovecot failing.
        Assert.True(exit is 0 or 67, $"doveadm user exited {exit}: {output}{errors}\n{Log}");
        if (exit != 0)
            return null;
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', 2, StringSplitOptions.TrimEntries)).Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    public async ValueTask DisposeAsync()
    {
        if (!master.HasExited)
        {
            // The master stops its children on SIGTERM, which doveadm sends it through its pid file.
            await LdapTools.RunAsync("doveadm", "-c", ConfigPath, "stop");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await master.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                master.Kill(entireProcessTree: true);
            }
        }
        master.Dispose();
        folder.Dispose();
    }
}
