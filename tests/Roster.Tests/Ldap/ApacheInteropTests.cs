using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Users;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// Debian's Apache httpd with mod_authnz_ldap signing people in against a running Roster with the README's
/// configuration (docs/ldap/apache-authnz-ldap.conf): a private httpd started by the test with its own server
/// configuration in a temporary folder, on a free loopback port, stopped at the end.
/// </summary>
public sealed class ApacheInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public void ReadmeShowsTheConfigurationAsTested() => ConfigSnippet.AssertReadmeShows("apache-authnz-ldap.conf");

    [Fact]
    public async Task PeopleSignInWithTheirRosterPasswordAndOnlyGroupMembersReachTheGroupsLocation()
    {
        var alice = await Server.CreateUserAsync(NewName("alice"), Password);
        var bob = await Server.CreateUserAsync(NewName("bob"), Password);
        var gone = await Server.CreateUserAsync(NewName("gone"), Password);
        var staff = await Server.WithAsync(async services =>
        {
            var groups = services.GetRequiredService<GroupChanges>();
            var group = (await groups.CreateAsync(Actor.Operator, NewName("staff"), "")).Value!;
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, [alice.UserName!, gone.UserName!])).Succeeded);
            return group;
        });
        var (clientId, servicePassword) = await Server.WithAsync(async services =>
        {
            var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
                new AppSettings(NewName("Wiki"), "https://wiki.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, []))).Value!;
            return (app.ClientId, (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!);
        });
        Assert.True((await Server.WithAsync(services => services.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, gone.Id, false))).Succeeded);
        var snippet = ConfigSnippet.Read("apache-authnz-ldap.conf", new Dictionary<string, string>
        {
            ["ldap://<roster host>:3890"] = Url(Server),
            ["<client id>"] = clientId,
            ["<service account password>"] = servicePassword,
            ["cn=staff,ou=groups"] = $"cn={staff.Name},ou=groups",
        });
        await using var apache = await Apache.StartAsync(snippet);

        Assert.Equal(HttpStatusCode.OK, await apache.GetAsync("/wiki/", alice.UserName!, Password));
        Assert.Equal(HttpStatusCode.OK, await apache.GetAsync("/admin/", alice.UserName!, Password));
        Assert.Equal(HttpStatusCode.OK, await apache.GetAsync("/wiki/", bob.UserName!, Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/admin/", bob.UserName!, Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", alice.UserName!, "not the password"));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", gone.UserName!, Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/admin/", gone.UserName!, Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", "nobody", Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", null, null));
        // LDAP filter characters in the username reach Roster escaped, as mod_authnz_ldap escapes them: nobody matches.
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", "*", Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await apache.GetAsync("/wiki/", $"{alice.UserName})(uid=*", Password));
    }

    /// <summary>Debian's apache2 binary run in the foreground with a configuration of its own around the snippet.</summary>
    private sealed class Apache : IAsyncDisposable
    {
        private const string Binary = "/usr/sbin/apache2";
        private const string Modules = "/usr/lib/apache2/modules";
        private readonly TempDirectory folder = new();
        private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
        private readonly StringBuilder log = new();
        private Process? process;
        private int port;

        private string ConfigPath => Path.Combine(folder.Path, "apache2.conf");

        public static async Task<Apache> StartAsync(string snippet)
        {
            var apache = new Apache();
            try
            {
                await apache.RunAsync(snippet);
                return apache;
            }
            catch
            {
                await apache.DisposeAsync();
                throw;
            }
        }

        private async Task RunAsync(string snippet)
        {
            if (!File.Exists(Binary) || OperatingSystem.IsWindows())
                throw new InvalidOperationException("Debian's apache2 is needed for this test; .ci/run installs it.");
            port = FreePort.Next();
            // The children run as www-data and must read the pages; the folder is private to root otherwise.
            File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
            foreach (var location in new[] { "wiki", "admin" })
            {
                var pages = Directory.CreateDirectory(Path.Combine(folder.Path, "htdocs", location)).FullName;
                await File.WriteAllTextAsync(Path.Combine(pages, "index.html"), $"{location}\n");
            }
            await File.WriteAllTextAsync(Path.Combine(folder.Path, "roster.conf"), snippet);
            await File.WriteAllTextAsync(ConfigPath, $"""
                ServerRoot "{folder.Path}"
                ServerName 127.0.0.1
                Listen 127.0.0.1:{port}
                PidFile "{folder.Path}/apache2.pid"
                DefaultRuntimeDir "{folder.Path}"
                ErrorLog "{folder.Path}/error.log"
                LogLevel warn
                User www-data
                Group www-data
                LoadModule mpm_event_module {Modules}/mod_mpm_event.so
                LoadModule authn_core_module {Modules}/mod_authn_core.so
                LoadModule authz_core_module {Modules}/mod_authz_core.so
                LoadModule authz_user_module {Modules}/mod_authz_user.so
                LoadModule auth_basic_module {Modules}/mod_auth_basic.so
                LoadModule ldap_module {Modules}/mod_ldap.so
                LoadModule authnz_ldap_module {Modules}/mod_authnz_ldap.so
                LoadModule dir_module {Modules}/mod_dir.so
                DirectoryIndex index.html
                DocumentRoot "{folder.Path}/htdocs"
                Include "{folder.Path}/roster.conf"

                """);
            process = Process.Start(new ProcessStartInfo(Binary, ["-f", ConfigPath, "-DFOREGROUND"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Eventually.GetAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"apache2 exited with {process.ExitCode}: {Log()}");
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/");
                    return "";
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, $"apache2 on port {port}");
        }

        private void Append(string? line)
        {
            if (line is null)
                return;
            lock (log)
                log.AppendLine(line);
        }

        private string Log()
        {
            var errors = Path.Combine(folder.Path, "error.log");
            lock (log)
                return log + (File.Exists(errors) ? File.ReadAllText(errors) : "");
        }

        /// <summary>The status of a GET with HTTP Basic credentials (none when <paramref name="username"/> is null).</summary>
        public async Task<HttpStatusCode> GetAsync(string path, string? username, string? password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
            if (username is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
            using var response = await http.SendAsync(request);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Unauthorized))
                Assert.Fail($"GET {path} as {username}: {(int)response.StatusCode}\n{Log()}");
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (process is { HasExited: false })
            {
                // -k stop signals the parent, which stops its children; killing it outright would leave them holding the port.
                using (var stop = Process.Start(new ProcessStartInfo(Binary, ["-f", ConfigPath, "-k", "stop"]) { RedirectStandardError = true, RedirectStandardOutput = true }))
                    await stop!.WaitForExitAsync();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            process?.Dispose();
            http.Dispose();
            folder.Dispose();
        }
    }
}
