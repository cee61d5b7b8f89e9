using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Tests.Infrastructure;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Ldap;

/// <summary>
/// Failed LDAP binds are limited per client address and bind name, under a higher ceiling per address: an app
/// server relaying everyone's sign-ins from one address is not locked out by one person's typos, while one
/// address spraying many names is still slowed. Each test has its own server, as the limits count real minutes.
/// </summary>
public sealed class BindThrottleTests
{
    private const string Password = "a long test password";
    private const int PerName = 20;
    private const int PerAddress = 60;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(RosterServer Server, TestDatabase Database)> StartAsync()
    {
        var database = await TestDatabase.CreateAsync("Sqlite");
        var server = await RosterServer.StartAsync(database, new Dictionary<string, string?>
        {
            ["Roster:RateLimit:CredentialAttemptsPerMinute"] = PerName.ToString(),
            ["Roster:RateLimit:FailedBindsPerAddressPerMinute"] = PerAddress.ToString(),
        });
        return (server, database);
    }

    private static async Task<int> BindAsync(RosterServer server, string dn, string password) =>
        (await RunAsync("ldapwhoami", "-x", "-H", Url(server), "-D", dn, "-w", password)).ExitCode;

    [Fact]
    public async Task OnePersonsWrongPasswordsFromAnAddressBlockOnlyThatNameThere()
    {
        var (server, database) = await StartAsync();
        await using var _ = database;
        await using var __ = server;
        var alice = await server.CreateUserAsync(NewName("alice"), Password);
        var bob = await server.CreateUserAsync(NewName("bob"), Password);
        string serviceDn, servicePassword;
        await using (var scope = server.App.Services.CreateAsyncScope())
        {
            var app = (await scope.ServiceProvider.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
                new AppSettings(NewName("Mail"), "https://mail.example.org", "", DirectoryMode.UseRoster, AppAccess.Everyone, []))).Value!;
            servicePassword = (await scope.ServiceProvider.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value!;
            serviceDn = $"cn={app.ClientId},ou=apps,{BaseDn}";
        }

        var attempts = new List<int>();
        for (var i = 0; i < 25; i++)
            attempts.Add(await BindAsync(server, UserDn(alice.UserName!), "not the password"));
        var aliceInOtherCase = await BindAsync(server, $"UID={alice.UserName!.ToUpperInvariant()}, OU=People,{BaseDn}", "not the password");
        var bobBinds = await BindAsync(server, UserDn(bob.UserName!), Password);
        var serviceBinds = await BindAsync(server, serviceDn, servicePassword);
        var wrongServicePasswords = new List<int>();
        for (var i = 0; i < 3; i++)
            wrongServicePasswords.Add(await BindAsync(server, serviceDn, "not the secret"));
        var serviceStillBinds = await BindAsync(server, serviceDn, servicePassword);

        // 49 (invalidCredentials) until alice's name has spent its allowance at this address, then 53 (unwillingToPerform).
        Assert.Equal([.. Enumerable.Repeat(49, PerName), .. Enumerable.Repeat(53, 25 - PerName)], attempts);
        Assert.Equal(53, aliceInOtherCase);
        Assert.Equal(0, bobBinds);
        Assert.Equal(0, serviceBinds);
        Assert.Equal([49, 49, 49], wrongServicePasswords);
        Assert.Equal(0, serviceStillBinds);
        // Her account is locked too, by the lockout the web sign-in shares, which counts across addresses.
        Assert.NotNull((await server.StoredUserAsync(alice.Id)).LockoutEnd);
    }

    [Fact]
    public async Task OneAddressTryingManyNamesIsStillSlowed()
    {
        var (server, database) = await StartAsync();
        await using var _ = database;
        await using var __ = server;
        var bob = await server.CreateUserAsync(NewName("bob"), Password);

        var sprayed = new List<int>();
        for (var i = 0; i < PerAddress + 1; i++)
            sprayed.Add(await BindAsync(server, UserDn(NewName("guess")), "password123"));
        var bobAfterwards = await BindAsync(server, UserDn(bob.UserName!), Password);

        Assert.Equal([.. Enumerable.Repeat(49, PerAddress), 53], sprayed);
        // The ceiling holds for the whole address, until its minute is over.
        Assert.Equal(53, bobAfterwards);
    }
}
