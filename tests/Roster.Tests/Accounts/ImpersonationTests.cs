using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

/// <summary>An admin's temporary password for someone's account: beside their own password, until it expires, every use recorded and shown to them.</summary>
public abstract class ImpersonationTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private async Task<string> TemporaryPasswordAsync(FormClient admin, User user)
    {
        var page = await admin.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=TemporaryPassword", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Document.QuerySelector("code.secret")!.TextContent.Trim();
    }

    [Fact]
    public async Task ATemporaryPasswordSignsInBesideTheOwnPasswordUntilItExpiresAndEachUseIsShown()
    {
        var user = await Server.CreateUserAsync("helped" + Guid.NewGuid().ToString("N")[..8], Password);
        var (admin, adminBrowser) = await Server.SignedInAsync(Role.Admin);
        var temporary = await TemporaryPasswordAsync(adminBrowser, user);

        using var asAdmin = Server.NewClient();
        Assert.Equal("/", (await asAdmin.SignInAsync(user.UserName!, temporary)).Location);
        using var asThemselves = Server.NewClient();
        Assert.Equal("/", (await asThemselves.SignInAsync(user.UserName!, Password)).Location);
        using var again = Server.NewClient();
        Assert.Equal("/", (await again.SignInAsync(user.UserName!, temporary)).Location);

        Server.Clock.Advance(TimeSpan.FromMinutes(16));
        using var late = Server.NewClient();
        var refused = await late.SignInAsync(user.UserName!, temporary);
        Assert.Null(refused.Location);
        Assert.Contains("The email, username or password is not right.", refused.Errors);

        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "temporary-password.issued" && e.TargetId == user.Id && e.ActorId == admin.Id)));
        Assert.Equal(2, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "temporary-password.used" && e.TargetId == user.Id)));
        var account = await asThemselves.GetAsync("/account");
        Assert.Equal(2, account.Document.QuerySelectorAll("ul[aria-label='Temporary password sign-ins'] li").Length);
        Assert.Equal(user.PasswordHash, (await Server.StoredUserAsync(user.Id)).PasswordHash);
    }

    [Fact]
    public async Task OnlyAdminsMakeTemporaryPasswordsAndNotForOwners()
    {
        var user = await Server.CreateUserAsync("plain" + Guid.NewGuid().ToString("N")[..8], Password);
        var owner = await Server.CreateUserAsync("owner" + Guid.NewGuid().ToString("N")[..8], Password, Role.Owner);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);

        var byManager = await manager.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=TemporaryPassword", new Dictionary<string, string>(), expect: HttpStatusCode.Forbidden);
        var forOwner = await admin.SubmitAsync($"/user/{owner.Id}", $"/user/{owner.Id}?handler=TemporaryPassword", new Dictionary<string, string>(), expect: HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.Forbidden, byManager.Status);
        Assert.Equal(HttpStatusCode.Forbidden, forOwner.Status);
        Assert.Equal(0, await Server.QueryAsync(db => db.AccountTokens.CountAsync(t => (t.UserId == user.Id || t.UserId == owner.Id) && t.Purpose == AccountTokenPurpose.TemporaryPassword)));
    }
}

public sealed class SqliteImpersonationTests(SqliteRoster fixture) : ImpersonationTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresImpersonationTests(PostgresRoster fixture) : ImpersonationTests(fixture), IClassFixture<PostgresRoster>;
