using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>
/// Guessing costs the account its sign-ins for a while, whatever is guessed: passwords or second-factor
/// codes. The lock shows on the person's page for those who manage them, and in the audit log.
/// </summary>
public abstract class BruteForceTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private async Task AssertLockVisibleAsync(User user)
    {
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "account.locked" && e.TargetId == user.Id)));
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var page = await admin.GetAsync($"/user/{user.Id}");
        Assert.Contains("Locked after repeated failed sign-ins until", page.Text);
    }

    [Fact]
    public async Task RepeatedWrongPasswordsLockTheAccountVisiblyUntilAnAdminUnlocksIt()
    {
        var user = await Server.CreateUserAsync("guessed" + Guid.NewGuid().ToString("N")[..8], Password);
        using var attacker = Server.NewClient();
        for (var attempt = 1; attempt <= 5; attempt++)
            await attacker.SignInAsync(user.UserName!, "wrong password " + attempt);

        await AssertLockVisibleAsync(user);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);
        var unlocked = await manager.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=Unlock", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, unlocked.Status);
        Assert.Equal("/", (await Server.NewClient().SignInAsync(user.UserName!, Password)).Location);
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "account.unlocked" && e.TargetId == user.Id)));
    }

    [Fact]
    public async Task RepeatedWrongSecondFactorCodesLockTheAccountSoEvenTheRightCodeIsRefused()
    {
        var user = await Server.CreateUserAsync("totp" + Guid.NewGuid().ToString("N")[..8], Password);
        byte[] key;
        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var twoFactor = scope.ServiceProvider.GetRequiredService<TwoFactor>();
            var stored = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>().FindByIdAsync(user.Id.ToString());
            key = await twoFactor.StartAsync(stored!, CancellationToken.None);
            Assert.True((await twoFactor.ConfirmAsync(stored!, Totp.Code(key, Totp.StepAt(Server.Clock.GetUtcNow())), CancellationToken.None)).Succeeded);
        }
        Server.Clock.Advance(Totp.Step);
        var right = Totp.Code(key, Totp.StepAt(Server.Clock.GetUtcNow()));
        var wrong = right == "000000" ? "111111" : "000000";
        using var browser = Server.NewClient();
        Assert.StartsWith("/login/two-factor", (await browser.SignInAsync(user.UserName!, Password)).Location);

        Page page = null!;
        for (var attempt = 1; attempt <= 5; attempt++)
            page = await browser.SubmitAsync("/login/two-factor", new Dictionary<string, string> { ["Code"] = wrong });
        Assert.Contains("locked", Assert.Single(page.Errors));
        page = await browser.SubmitAsync("/login/two-factor", new Dictionary<string, string> { ["Code"] = right });

        Assert.Contains("locked", Assert.Single(page.Errors));
        await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
        Assert.Equal(5, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "two-factor.failed" && e.TargetId == user.Id)));
        await AssertLockVisibleAsync(user);
    }
}

public sealed class SqliteBruteForceTests(SqliteRoster fixture) : BruteForceTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresBruteForceTests(PostgresRoster fixture) : BruteForceTests(fixture), IClassFixture<PostgresRoster>;
