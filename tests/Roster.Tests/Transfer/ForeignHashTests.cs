using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts.ForeignHashes;
using Roster.Tests.Infrastructure;
using Roster.Transfer;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Transfer;

/// <summary>
/// Password hashes made by tools we did not write (Debian's slappasswd with its pw-sha2 and pw-pbkdf2 modules, Python's hashlib, npm's bcryptjs and hash-wasm,
/// ASP.NET Identity's own v2 hasher), imported from CSV: each person signs in with the original password through the
/// dashboard's form and an LDAP bind (Debian's ldapwhoami), a wrong password fails, and after the first success the
/// stored hash is Roster's own. Runs on both database providers.
/// </summary>
public abstract class ForeignHashTests(RosterFixture fixture)
{
    private const string Password = "correct horse battery";
    private RosterServer Server => fixture.Server;

    /// <summary>Each format's name and a hash of <see cref="Password"/> in it, from the tool that writes it.</summary>
    private static async Task<Dictionary<string, string>> ForeignHashesAsync()
    {
        var hashes = new Dictionary<string, string>
        {
            ["ssha"] = await ToolAsync("slappasswd", "-h", "{SSHA}", "-s", Password),
            ["ssha512"] = await ToolAsync("slappasswd", "-o", "module-load=pw-sha2", "-h", "{SSHA512}", "-s", Password),
            ["sha"] = await ToolAsync("slappasswd", "-h", "{SHA}", "-s", Password),
            ["openldap-pbkdf2"] = await ToolAsync("slappasswd", "-o", "module-load=pw-pbkdf2", "-h", "{PBKDF2}", "-s", Password),
            ["openldap-pbkdf2-sha256"] = await ToolAsync("slappasswd", "-o", "module-load=pw-pbkdf2", "-h", "{PBKDF2-SHA256}", "-s", Password),
            ["openldap-pbkdf2-sha512"] = await ToolAsync("slappasswd", "-o", "module-load=pw-pbkdf2", "-h", "{PBKDF2-SHA512}", "-s", Password),
            ["identity-v2"] = new PasswordHasher<User>(Microsoft.Extensions.Options.Options.Create(
                new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 })).HashPassword(new User(), Password),
        };
        var python = JsonDocument.Parse(await ToolAsync("python3", Path.Combine(Repository.Root, "tests", "interop", "hashes", "hashes.py"), Password)).RootElement;
        foreach (var property in python.EnumerateObject())
            hashes[property.Name] = property.Value.GetString()!;
        var node = await NodeScript.RunAsync("hashes", "bcryptjs", new { password = Password }, "hash.mjs", NodeScript.InputFile);
        foreach (var property in node.EnumerateObject())
            hashes[property.Name] = property.Value.GetString()!;
        return hashes;
    }

    private static async Task<string> ToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await process.StandardError.ReadToEndAsync()}");
        return output.Trim();
    }

    [Fact]
    public async Task PeopleImportedWithAnotherToolsHashSignInWithTheirPasswordAndAreRehashedIntoRostersOwn()
    {
        var hashes = await ForeignHashesAsync();
        var prefix = "h" + Guid.NewGuid().ToString("N")[..6];
        var csv = "username,email,name,password_hash\n" + string.Join("\n", hashes.Select(h => $"{prefix}-{h.Key},{prefix}-{h.Key}@example.org,{h.Key} person,\"{h.Value}\""));
        var result = await Server.WithAsync(services => services.GetRequiredService<PeopleImport>().ImportAsync(Actor.Operator, ImportFormat.Csv, csv, "test.csv"));
        Assert.True(result.Value!.Succeeded, string.Join("\n", result.Value.Problems));

        foreach (var ((format, hash), index) in hashes.Select((h, i) => (h, i)))
        {
            var username = $"{prefix}-{format}";
            var stored = await Server.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.UserName == username));
            Assert.Equal(hash, stored.PasswordHash);

            using var browser = Server.NewClient();
            var wrong = await browser.SignInAsync(username, "not " + Password);
            Assert.Equal(HttpStatusCode.OK, wrong.Status);
            Assert.NotEqual(0, (await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(username), "-w", "not " + Password)).ExitCode);
            Assert.Equal(hash, (await Server.StoredUserAsync(stored.Id)).PasswordHash);

            // Half sign in first over LDAP, half through the form: both paths must rehash.
            if (index % 2 == 0)
                Assert.Equal(0, (await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(username), "-w", Password)).ExitCode);
            else
                Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(username, Password)).Status);

            var rehashed = (await Server.StoredUserAsync(stored.Id)).PasswordHash!;
            Assert.True(ForeignHash.Find(rehashed) is null && Convert.FromBase64String(rehashed)[0] == 0x01, $"{format}: still {rehashed}");
            using var again = Server.NewClient();
            Assert.Equal(HttpStatusCode.Redirect, (await again.SignInAsync(username, Password)).Status);
            Assert.Equal(0, (await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(username), "-w", Password)).ExitCode);
        }
    }
}

public sealed class ForeignHashesOnSqlite(SqliteRoster fixture) : ForeignHashTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ForeignHashesOnPostgres(PostgresRoster fixture) : ForeignHashTests(fixture), IClassFixture<PostgresRoster>;
