using System.Net;
using System.Text.RegularExpressions;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Hosting;

/// <summary>What a newcomer sees: the real executable started in an empty folder with no configuration at all.</summary>
public sealed partial class FirstStartTests
{
    private static readonly Dictionary<string, string?> NoConfiguration = [];

    private static async Task<long> CountSigningKeysAsync(string databaseFile)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM OidcSigningKeys";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task TheFirstStartCreatesTheDatabaseAndOwnerAndAdminCredentialsFollowThePassword()
    {
        using var folder = new TempDirectory();
        string password;
        await using (var server = await RosterProcess.StartServerAsync(folder.Path, NoConfiguration))
        {
            var url = server.Url;
            Assert.Contains("Email: owner@example.org", server.Output);
            Assert.Contains("Username: owner", server.Output);
            password = PasswordLine().Match(server.Output).Groups[1].Value;
            Assert.Equal(20, password.Length);
            Assert.True(File.Exists(Path.Combine(folder.Path, "data", "roster.db")));

            using var browser = new FormClient(url);
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/healthz")).StatusCode);
            Assert.Equal("/", (await browser.SignInAsync("owner", password)).Location);
            // The OpenID Connect signing keys, one RS256 and one ES256, exist from the first start on.
            await Eventually.GetAsync(async () => await CountSigningKeysAsync(Path.Combine(folder.Path, "data", "roster.db")) == 2 ? "two keys" : null, "the signing keys");

            var credentials = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "admin-credentials");
            Assert.Equal(0, credentials.ExitCode);
            Assert.Equal($"Email: owner@example.org\nUsername: owner\nPassword: {password}\n", credentials.Stdout.ReplaceLineEndings("\n"));
        }

        await using (var server = await RosterProcess.StartServerAsync(folder.Path, NoConfiguration))
        {
            var url = server.Url;
            Assert.DoesNotContain("Password:", server.Output);

            // With no SMTP server configured the reset email lands as an .eml file, and its link is logged.
            using var browser = new FormClient(url);
            await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = "owner" });
            var mail = await Eventually.MailAsync(Path.Combine(folder.Path, "data", "mail"), "owner@example.org");
            var link = mail.Link("/reset-password/");
            await Eventually.GetAsync(() => Task.FromResult(server.Output.Contains(link) ? link : null), "the reset link in the log");
            var reset = await browser.SubmitAsync(new Uri(link).PathAndQuery,
                new Dictionary<string, string> { ["Password"] = "my own new password", ["Confirm"] = "my own new password" });
            Assert.Equal(HttpStatusCode.Redirect, reset.Status);

            var credentials = await RosterProcess.RunAsync(folder.Path, NoConfiguration, "admin-credentials");
            Assert.Equal(1, credentials.ExitCode);
            Assert.Equal("", credentials.Stdout);
            Assert.Contains("has been changed", credentials.Stderr);
            Assert.Single(credentials.Stderr.TrimEnd().Split('\n'));
            Assert.Equal("/", (await browser.SignInAsync("owner", "my own new password")).Location);
        }
    }

    /// <summary>
    /// A second instance on a taken LDAP port must refuse to start rather than share the port and take half
    /// the binds (SO_REUSEPORT on Linux), and say in one line which setting to change.
    /// </summary>
    [Fact]
    public async Task ASecondInstanceOnATakenLdapPortRefusesToStartAndNamesTheSetting()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        await using var running = await RosterProcess.StartServerAsync(first.Path, NoConfiguration);

        var refused = await RosterProcess.RunAsync(second.Path, NoConfiguration,
            "--urls", $"http://127.0.0.1:{FreePort.Next()}", $"--Roster:Ldap:Listen={running.LdapAddress}");

        Assert.Equal(1, refused.ExitCode);
        var lines = refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(running.LdapAddress, line);
        Assert.Contains("Roster__Ldap__Listen", line);
        Assert.DoesNotContain("--urls", line);
        Assert.DoesNotContain("   at ", refused.Stdout + refused.Stderr);
    }

    [Fact]
    public async Task TheOwnerCanBeNamedAndGivenAPasswordByEnvironmentVariables()
    {
        using var folder = new TempDirectory();
        var environment = new Dictionary<string, string?>
        {
            ["Roster__Owner__Email"] = "boss@example.net",
            ["Roster__Owner__Username"] = "boss",
            ["Roster__Owner__Password"] = "configured password",
            ["Roster__DataDirectory"] = "state",
        };
        await using var server = await RosterProcess.StartServerAsync(folder.Path, environment);

        Assert.Contains("Email: boss@example.net", server.Output);
        Assert.True(File.Exists(Path.Combine(folder.Path, "state", "roster.db")));
        using var browser = new FormClient(server.Url);
        Assert.Equal("/", (await browser.SignInAsync("boss@example.net", "configured password")).Location);
    }

    [GeneratedRegex(@"Password: (\S+)")]
    private static partial Regex PasswordLine();
}
