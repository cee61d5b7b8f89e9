using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Accounts;
using Roster.Data;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Tests.Oidc;

namespace Roster.Tests.Accounts;

/// <summary>
/// The attacks of the identity-integrity review, each as the attacker made it: over HTTP, through the
/// pages and the API, on both database providers.
/// </summary>
public abstract class IdentityIntegrityTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;
    private string MailFolder => Path.Combine(Server.DataPath, "mail");

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static Dictionary<string, string> Profile(User user, string? email = null, string? username = null, string? name = null) => new()
    {
        ["Email"] = email ?? user.Email!,
        ["Username"] = username ?? user.UserName ?? "",
        ["Name"] = name ?? user.Name,
        ["EmailVisible"] = "true",
    };

    [Fact]
    public async Task RenamedPeopleCannotShareANameAndSignInByTheNewOneOnly()
    {
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(admin);
        var first = await Server.CreateUserAsync(Unique("first"), Password);
        var second = await Server.CreateUserAsync(Unique("second"), Password);
        var shared = Unique("shared");

        using var renamed = await api.PatchAsJsonAsync($"/api/v1/users/{first.Id}", new { username = shared });
        using var clash = await api.PatchAsJsonAsync($"/api/v1/users/{second.Id}", new { username = shared.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
        Assert.Equal(second.UserName, (await Server.StoredUserAsync(second.Id)).UserName);
        Assert.Equal(1, await Server.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedUserName == shared.ToUpperInvariant())));
        using var browser = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(shared, Password)).Status);
        using var old = Server.NewClient();
        Assert.Equal(["The email, username or password is not right."], (await old.SignInAsync(first.UserName!, Password)).Errors);
    }

    [Fact]
    public async Task TwoPeopleCannotGiveThemselvesOneEmailAddress()
    {
        var (first, firstBrowser) = await Server.SignedInAsync(Role.User);
        var (second, secondBrowser) = await Server.SignedInAsync(Role.User);
        var shared = Unique("shared") + "@example.org";

        var taken = await firstBrowser.SubmitAsync("/account", "/account?handler=Profile", Profile(first, email: shared));
        var clash = await secondBrowser.SubmitAsync("/account", "/account?handler=Profile", Profile(second, email: shared.ToUpperInvariant()), expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.Redirect, taken.Status);
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Contains("Another account already uses this email address.", clash.Errors);
        Assert.Equal(1, await Server.QueryAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == shared.ToUpperInvariant())));
        using var browser = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(shared, Password)).Status);
    }

    [Fact]
    public async Task NoCodePathCanStoreANameThatDiffersOnlyInCase()
    {
        var existing = await Server.CreateUserAsync(Unique("taken"), Password);
        var other = await Server.CreateUserAsync(Unique("other"), Password);

        // A write that sets the name and nothing else, as a careless new feature would.
        var saved = await Server.QueryAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Id == other.Id);
            user.UserName = existing.UserName!.ToUpperInvariant();
            try { await db.SaveChangesAsync(); return true; }
            catch (DbUpdateException) { return false; }
        });

        Assert.False(saved);
        Assert.Equal(other.UserName, (await Server.StoredUserAsync(other.Id)).UserName);
    }

    [Fact]
    public async Task APlainUserCannotRenameThemselvesThroughTheirDetailPage()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);

        var page = await browser.SubmitAsync($"/user/{user.Id}", $"/user/{user.Id}?handler=Profile", Profile(user, username: Unique("renamed")), expect: HttpStatusCode.BadRequest);

        Assert.NotEqual(HttpStatusCode.Redirect, page.Status);
        Assert.Equal(user.UserName, (await Server.StoredUserAsync(user.Id)).UserName);
    }

    [Fact]
    public async Task AChangedEmailIsUnverifiedForAppsUntilItsPersonConfirmsItAndTheOldAddressIsTold()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        await Server.QueryAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, true)));
        var address = Unique("new") + "@example.org";

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync("/account", "/account?handler=Profile", Profile(user, email: address))).Status);

        Assert.False(await EmailVerifiedAsync(app, browser));
        var notice = await Eventually.MailAsync(MailFolder, user.Email!);
        Assert.Contains(address, notice.Text);
        var link = new Uri((await Eventually.MailAsync(MailFolder, address)).Link("/confirm-email/")).PathAndQuery;
        // Someone else holding the link cannot confirm it.
        var (_, stranger) = await Server.SignedInAsync(Role.User);
        await stranger.SubmitAsync(link, new Dictionary<string, string>(), expect: HttpStatusCode.BadRequest);
        Assert.False((await Server.StoredUserAsync(user.Id)).EmailConfirmed);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(link, new Dictionary<string, string>())).Status);
        Assert.True(await EmailVerifiedAsync(app, browser));
    }

    private static async Task<bool> EmailVerifiedAsync(RelyingParty app, FormClient browser)
    {
        var (_, body, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        return new JsonWebToken(body.GetProperty("id_token").GetString()).GetPayloadValue<bool>("email_verified");
    }

    [Fact]
    public async Task WrongSecondFactorsLockTheAccountHoweverOftenThePasswordIsRight()
    {
        var user = await Server.CreateUserAsync(Unique("twofactor"), Password);
        await EnableTwoFactorAsync(user);

        for (var round = 0; round < 3; round++)
        {
            using var browser = Server.NewClient();
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user.UserName!, Password)).Status);
            for (var guess = 0; guess < 2; guess++)
                await browser.SubmitAsync("/login/two-factor", new Dictionary<string, string> { ["Code"] = "000000" });
        }

        Assert.True((await Server.StoredUserAsync(user.Id)).LockoutEnd > Server.Clock.GetUtcNow());
    }

    private async Task EnableTwoFactorAsync(User user)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var twoFactor = scope.ServiceProvider.GetRequiredService<TwoFactor>();
        var stored = await scope.ServiceProvider.GetRequiredService<RosterDb>().Users.SingleAsync(u => u.Id == user.Id);
        var key = await twoFactor.StartAsync(stored, CancellationToken.None);
        var confirmed = await twoFactor.ConfirmAsync(stored, Totp.Code(key, Totp.StepAt(Server.Clock.GetUtcNow())), CancellationToken.None);
        Assert.True(confirmed.Succeeded);
    }

    [Fact]
    public async Task SearchingDoesNotMatchAHiddenEmailForThoseWhoMayNotSeeIt()
    {
        var secret = Unique("hidden");
        var hider = await Server.CreateUserAsync(Unique("hider"), Password);
        await Server.QueryAsync(db => db.Users.Where(u => u.Id == hider.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailVisible, false).SetProperty(u => u.Email, secret + "@example.org")));
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        using var userApi = await Server.ApiClientAsync(user);
        using var managerApi = await Server.ApiClientAsync(manager);

        Assert.Equal(0, (await userApi.GetFromJsonAsync<JsonElement>($"/api/v1/users?q={secret[..10]}")).GetProperty("total").GetInt32());
        Assert.DoesNotContain(hider.Name, (await browser.GetAsync($"/users?q={secret[..10]}")).Text);
        Assert.Equal(1, (await userApi.GetFromJsonAsync<JsonElement>($"/api/v1/users?q={hider.UserName}")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await managerApi.GetFromJsonAsync<JsonElement>($"/api/v1/users?q={secret[..10]}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task AUserManagerCannotChangeAnAdminsGroupsNorAGroupTheTwoFactorPolicyNames()
    {
        var (owner, _) = await Server.SignedInAsync(Role.Owner);
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        var admin = await Server.CreateUserAsync(Unique("admin"), Password, Role.Admin);
        using var managerApi = await Server.ApiClientAsync(manager);
        Guid policyGroup, plainGroup;
        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var groups = scope.ServiceProvider.GetRequiredService<GroupChanges>();
            policyGroup = (await groups.CreateAsync(Actor.For(owner), Unique("secure"), null)).Value!.Id;
            plainGroup = (await groups.CreateAsync(Actor.For(owner), Unique("plain"), null)).Value!.Id;
            Assert.True((await groups.AddMembersAsync(Actor.For(owner), policyGroup, [manager.UserName!, admin.UserName!])).Succeeded);
            Assert.True((await scope.ServiceProvider.GetRequiredService<SecurityPolicy>()
                .SetTwoFactorAsync(Actor.For(owner), new TwoFactorPolicy(false, [policyGroup]), CancellationToken.None)).Succeeded);
        }

        using var leave = await managerApi.DeleteAsync($"/api/v1/groups/{policyGroup}/members/{manager.Id}");
        using var addAdmin = await managerApi.PostAsJsonAsync($"/api/v1/groups/{plainGroup}/members", new { users = new[] { admin.UserName } });

        Assert.Equal(HttpStatusCode.Forbidden, leave.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, addAdmin.StatusCode);
        Assert.Equal(2, await Server.QueryAsync(db => db.GroupMembers.CountAsync(m => m.GroupId == policyGroup)));
        Assert.Equal(0, await Server.QueryAsync(db => db.GroupMembers.CountAsync(m => m.GroupId == plainGroup)));
    }

    [Fact]
    public async Task AUserManagerWhoPointsSomeonesEmailAtThemselvesGetsNoResetLinkAndTheOldAddressIsTold()
    {
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        using var api = await Server.ApiClientAsync(manager);
        var victim = await Server.CreateUserAsync(Unique("victim"), Password);
        var mine = Unique("mine") + "@example.org";

        using var patched = await api.PatchAsJsonAsync($"/api/v1/users/{victim.Id}", new { email = mine });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        using var browser = Server.NewClient();
        await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = mine });

        var notice = await Eventually.MailAsync(MailFolder, victim.Email!);
        Assert.Contains(mine, notice.Text);
        Assert.Contains(manager.UserName!, notice.Text);
        await Eventually.MailAsync(MailFolder, mine);
        Assert.DoesNotContain(ReceivedMail.ReadFolder(MailFolder), m => m.To.Contains(mine, StringComparison.OrdinalIgnoreCase) && m.Text.Contains("/reset-password/"));
        Assert.False(await Server.QueryAsync(db => db.AccountTokens.AnyAsync(t => t.UserId == victim.Id && t.Purpose == AccountTokenPurpose.PasswordReset)));
    }

    [Fact]
    public async Task ResettingOrChangingAPasswordRevokesEveryOutstandingResetLink()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var stolen = await ResetLinkAsync(user);
        var used = await ResetLinkAsync(user);
        using (var anyone = Server.NewClient())
            Assert.Equal(HttpStatusCode.Redirect, (await anyone.SubmitAsync(used, new Dictionary<string, string> { ["Password"] = "the second password", ["Confirm"] = "the second password" })).Status);
        using (var anyone = Server.NewClient())
            Assert.Equal(["This link has expired or was already used. Ask for a new one."], (await anyone.GetAsync(stolen)).Errors);

        using var again = Server.NewClient();
        await again.SignInAsync(user.UserName!, "the second password");
        var beforeChange = await ResetLinkAsync(user);
        var changed = await again.SubmitAsync("/account", "/account?handler=Password", new Dictionary<string, string>
        {
            ["CurrentPassword"] = "the second password", ["NewPassword"] = "the third password", ["Confirm"] = "the third password",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.Status);
        using var attacker = Server.NewClient();
        Assert.Equal(["This link has expired or was already used. Ask for a new one."], (await attacker.GetAsync(beforeChange)).Errors);
    }

    private async Task<string> ResetLinkAsync(User user)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        var link = await scope.ServiceProvider.GetRequiredService<PasswordReset>().IssueForAsync(Actor.Operator, user.Id, email: false);
        return new Uri(link.Value!).PathAndQuery;
    }

    [Fact]
    public async Task ARealAccountsFailuresAreForgottenAfterAQuietLockoutPeriodLikeAnUnknownNames()
    {
        var user = await Server.CreateUserAsync(Unique("quiet"), Password);
        using var browser = Server.NewClient();
        for (var i = 0; i < 4; i++)
            await browser.SignInAsync(user.UserName!, "wrong password");
        Server.Clock.Advance(TimeSpan.FromMinutes(16));

        // Four more, after the quiet period: a count that never expired would lock at the first of them.
        for (var i = 0; i < 4; i++)
            Assert.Equal(["The email, username or password is not right."], (await browser.SignInAsync(user.UserName!, "wrong password")).Errors);
        Assert.Null((await Server.StoredUserAsync(user.Id)).LockoutEnd);
    }

    [Fact]
    public async Task WrongCurrentPasswordsCountTowardTheLockoutAndAreAudited()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        for (var i = 0; i < 5; i++)
            await browser.SubmitAsync("/account", "/account?handler=Password", new Dictionary<string, string>
            {
                ["CurrentPassword"] = "not my password", ["NewPassword"] = "a new long password", ["Confirm"] = "a new long password",
            }, expect: HttpStatusCode.BadRequest);
        var turnOff = await browser.SubmitAsync("/account/two-factor", "/account/two-factor?handler=TurnOff", new Dictionary<string, string> { ["Password"] = Password });

        Assert.True((await Server.StoredUserAsync(user.Id)).LockoutEnd > Server.Clock.GetUtcNow());
        Assert.Contains(turnOff.Errors, e => e.Contains("locked", StringComparison.Ordinal));
        Assert.Equal(5, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.TargetId == user.Id && e.Action == "password.current-failed")));
        using var fresh = Server.NewClient();
        Assert.NotEqual(HttpStatusCode.Redirect, (await fresh.SignInAsync(user.UserName!, Password)).Status);
    }

    [Theory]
    [InlineData("Name", "Mallory\u202Egnp.exe")]
    [InlineData("Name", "Line\nBreak")]
    [InlineData("Email", "bidi\u202E@example.org")]
    [InlineData("Email", "sixty-five-characters-long-local-part-of-an-address-xx@example.org")]
    public async Task HiddenCharactersAndOverlongEmailsAreRefusedWithAMessageAndNothingIsCreated(string field, string value)
    {
        var (_, browser) = await Server.SignedInAsync(Role.UserManager);
        var username = Unique("new");
        var form = new Dictionary<string, string>
        {
            ["Email"] = username + "@example.org", ["Username"] = username, ["Name"] = "New Person", ["Role"] = "User",
            ["Password"] = Password, ["Confirm"] = Password,
        };
        form[field] = value;

        var page = await browser.SubmitAsync("/users/create", form, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotEmpty(page.Errors);
        Assert.False(await Server.QueryAsync(db => db.Users.AnyAsync(u => u.UserName == username)));
        Assert.Null((await browser.GetAsync("/users/create")).Document.QuerySelector("input[maxlength]"));
    }

    [Fact]
    public async Task AnOverlongPasskeyNameIsRefusedNotCut()
    {
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var page = await browser.SubmitAsync("/account/passkeys", "/account/passkeys?handler=Add",
            new Dictionary<string, string> { ["CredentialJson"] = "{}", ["PasskeyName"] = new string('k', 101) }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("A passkey name can have at most 100 characters; this one has 101.", page.Errors);
    }

    [Theory]
    [InlineData("name", "Null\0Byte")]
    [InlineData("name", "Escape\u001b[31m")]
    [InlineData("name", "Zero\u200bWidth")]
    [InlineData("email", "nul\0@example.org")]
    public async Task TheApiRefusesHiddenCharactersInNamesAndEmailsAndChangesNothing(string field, string value)
    {
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        using var api = await Server.ApiClientAsync(manager);
        var target = await Server.CreateUserAsync(Unique("target"), Password);

        using var patched = await api.PatchAsJsonAsync($"/api/v1/users/{target.Id}", new Dictionary<string, string> { [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, patched.StatusCode);
        Assert.Equal("application/problem+json", patched.Content.Headers.ContentType?.MediaType);
        var stored = await Server.StoredUserAsync(target.Id);
        Assert.Equal((target.Name, target.Email), (stored.Name, stored.Email));
    }
}

public sealed class IdentityIntegrityOnSqlite(SqliteRoster fixture) : IdentityIntegrityTests(fixture), IClassFixture<SqliteRoster>;

public sealed class IdentityIntegrityOnPostgres(PostgresRoster fixture) : IdentityIntegrityTests(fixture), IClassFixture<PostgresRoster>;
