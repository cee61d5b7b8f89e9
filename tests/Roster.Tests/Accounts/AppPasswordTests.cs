using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using static Roster.Tests.Ldap.LdapTools;

namespace Roster.Tests.Accounts;

/// <summary>
/// App passwords: made on /account and shown once, kept as hashes, binding over LDAP as their person (Debian's
/// ldapwhoami, npm's ldapts) and nowhere else, counted by the lockout like passwords, limited to an app where the
/// app is known, listed and revoked by the person and their managers, and the setting that holds people with
/// two-factor to them. Runs on both database providers.
/// </summary>
public abstract class AppPasswordTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static string NewName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private Task<int> BindAsync(User user, string password) => BindAsync(user.UserName!, password);

    private async Task<int> BindAsync(string username, string password) =>
        (await RunAsync("ldapwhoami", "-x", "-H", Url(Server), "-D", UserDn(username), "-w", password)).ExitCode;

    private static Dictionary<string, string> Fields(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    /// <summary>Made through /account's form, as the person would; the secret as the page shows it.</summary>
    private static async Task<string> CreateOnPageAsync(FormClient browser, string name, Guid? app = null)
    {
        var page = await browser.SubmitAsync("/account", "/account?handler=CreateAppPassword",
            Fields(("AppPasswordName", name), ("AppPasswordApp", app?.ToString() ?? "")), expect: HttpStatusCode.OK);
        return page.Document.QuerySelector("#app-passwords-heading ~ .notice code.secret")?.TextContent
            ?? throw new InvalidOperationException("no new app password on the page: " + string.Join("; ", page.Errors));
    }

    private Task<Result<string>> CreateAsync(User user, string? name, Guid? app = null) => Server.WithAsync(async services =>
    {
        var stored = await services.GetRequiredService<Roster.Data.RosterDb>().Users.SingleAsync(u => u.Id == user.Id);
        return await services.GetRequiredService<AppPasswords>().CreateAsync(stored, name, app);
    });

    private async Task<string> CreatedAsync(User user, string name, Guid? app = null)
    {
        var result = await CreateAsync(user, name, app);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Message)));
        return result.Value!;
    }

    private Task<Group> GroupAsync(params User[] members) => Server.WithAsync(async services =>
    {
        var groups = services.GetRequiredService<GroupChanges>();
        var group = (await groups.CreateAsync(Actor.Operator, NewName("g"), "")).Value!;
        if (members.Length > 0)
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group.Id, members.Select(m => m.UserName!))).Succeeded);
        return group;
    });

    /// <summary>An app for <paramref name="group"/>'s members (or everyone), with an LDAP service account unless told otherwise.</summary>
    private Task<(App App, string? ServicePassword)> AppAsync(Group? group, DirectoryMode mode = DirectoryMode.UseRoster, bool serviceAccount = true) => Server.WithAsync(async services =>
    {
        var app = (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator, new AppSettings(NewName("App"), "https://app.example.org", "", mode,
            group is null ? AppAccess.Everyone : AppAccess.Groups, group is null ? [] : [group.Id]))).Value!;
        var password = serviceAccount ? (await services.GetRequiredService<AppSignOn>().NewLdapPasswordAsync(Actor.Operator, app.Id)).Value : null;
        return (app, password);
    });

    private Task<int> StoredCountAsync(User user) => Server.QueryAsync(db => db.AppPasswords.CountAsync(p => p.UserId == user.Id));

    [Fact]
    public async Task AnAppPasswordIsShownOnceKeptOnlyAsAHashAndBindsAsItsPerson()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);

        var response = await browser.Http.PostAsync("/account?handler=CreateAppPassword", new FormUrlEncodedContent(Fields(
            ("__RequestVerificationToken", (await browser.GetAsync("/account")).Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!),
            ("AppPasswordName", "  Phone mail "))));
        Assert.True(response.Headers.CacheControl?.NoStore, "the page with the secret must not be stored");
        var secret = await CreateOnPageAsync(browser, "Laptop");
        var later = await browser.GetAsync("/account");

        Assert.Matches("^[a-z2-9]{6}(-[a-z2-9]{6}){4}$", secret);
        Assert.DoesNotMatch("[lo01]", secret);
        Assert.Equal(0, await BindAsync(user, secret));
        Assert.Equal(0, await BindAsync(user, secret.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant()));
        Assert.DoesNotContain(secret, later.Text);
        Assert.Equal(["Laptop", "Phone mail"], later.Document.QuerySelectorAll("ul[aria-label='App passwords'] li strong").Select(e => e.TextContent).Order());
        var stored = await Server.QueryAsync(db => db.AppPasswords.AsNoTracking().SingleAsync(p => p.UserId == user.Id && p.Name == "Laptop"));
        Assert.Equal(Secrets.Hash(secret.Replace("-", "", StringComparison.Ordinal)), stored.SecretHash);
        Assert.NotNull(stored.LastUsedAt);
        var audit = await Server.QueryAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.TargetId == user.Id).ToListAsync());
        Assert.Equal(2, audit.Count(e => e.Action == AuditActions.AppPasswordCreated));
        Assert.Contains(audit, e => e.Action == AuditActions.AppPasswordUsed && e.Details == "LDAP bind with app password 'Laptop'" && e.ClientAddress == "127.0.0.1");
        Assert.DoesNotContain(audit, e => e.Details?.Contains(secret, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AResetByLinkRevokesEveryAppPasswordSoATakenAccountIsTakenBackWhole()
    {
        var user = await Server.CreateUserAsync(NewName("reset"), Password);
        var secret = await CreatedAsync(user, "Made by whoever held the account");
        var other = await Server.CreateUserAsync(NewName("other"), Password);
        var kept = await CreatedAsync(other, "Phone");
        Assert.Equal(0, await BindAsync(user, secret));

        var link = await Server.WithAsync(services => services.GetRequiredService<PasswordReset>().IssueForAsync(Actor.Operator, user.Id, email: false));
        var reset = await Server.WithAsync(services => services.GetRequiredService<PasswordReset>().ResetAsync(link.Value!.Split('/')[^1], "an entirely new passphrase"));
        Assert.True(reset.Succeeded);

        Assert.Equal(0, await StoredCountAsync(user));
        Assert.Equal(49, await BindAsync(user, secret));
        Assert.Equal(0, await BindAsync(other, kept));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.TargetId == user.Id && e.Action == AuditActions.AppPasswordRevoked && e.Details!.EndsWith("; password reset"))));
    }

    [Fact]
    public async Task AnAppPasswordSignsInNeitherToTheDashboardNorToTheApi()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var secret = await CreateOnPageAsync(browser, "Phone");
        using var visitor = Server.NewClient();
        using var api = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        var signIn = await visitor.SignInAsync(user.UserName!, secret);
        using var call = await api.GetAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.Contains("The email, username or password is not right.", signIn.Errors);
        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        // A wrong password at the dashboard, counted as one.
        Assert.Equal(1, await Server.FailuresAsync(user));
    }

    [Fact]
    public async Task AWrongOrRevokedAppPasswordCountsTowardTheLockoutAsAWrongPasswordDoes()
    {
        var user = await Server.CreateUserAsync(NewName("guess"), Password);
        var secret = await CreatedAsync(user, "Phone");
        var id = await Server.QueryAsync(db => db.AppPasswords.Where(p => p.UserId == user.Id).Select(p => p.Id).SingleAsync());

        var wrongAppPassword = await BindAsync(user, AppPasswords.Generate());
        var wrongPassword = await BindAsync(user, "not the password");
        var revoked = await Server.WithAsync(services => services.GetRequiredService<AppPasswords>().RevokeAsync(Actor.Operator, user.Id, id));
        var afterRevoking = await BindAsync(user, secret);

        Assert.Equal((49, 49, 49), (wrongAppPassword, wrongPassword, afterRevoking));
        Assert.True(revoked.Succeeded);
        Assert.Equal(3, await Server.FailuresAsync(user));
        // The same audit event for each: nothing says which kind of password was tried.
        var failures = await Server.QueryAsync(db => db.AuditEvents.Where(e => e.TargetId == user.Id && e.Action == AuditActions.SignInFailed).Select(e => e.Details).ToListAsync());
        Assert.Equal(["Invalid; LDAP bind", "Invalid; LDAP bind", "Invalid; LDAP bind"], failures);
    }

    [Fact]
    public async Task ARightAppPasswordDoesNotClearTheCountOfWrongPasswords()
    {
        var user = await Server.CreateUserAsync(NewName("count"), Password);
        var secret = await CreatedAsync(user, "Phone");

        await BindAsync(user, "wrong one");
        await BindAsync(user, "wrong two");
        Assert.Equal(0, await BindAsync(user, secret));

        Assert.Equal(2, await Server.FailuresAsync(user));
    }

    [Fact]
    public async Task DisabledInvitedAndLockedOutPeopleCannotBindWithTheirAppPasswords()
    {
        var disabled = await Server.CreateUserAsync(NewName("off"), Password);
        var invited = await Server.CreateUserAsync(NewName("inv"), Password);
        var locked = await Server.CreateUserAsync(NewName("lock"), Password);
        var secrets = new Dictionary<User, string>();
        foreach (var user in new[] { disabled, invited, locked })
            secrets[user] = await CreatedAsync(user, "Phone");
        await Server.WithAsync(services => services.GetRequiredService<Roster.Users.UserChanges>().SetEnabledAsync(Actor.Operator, disabled.Id, false));
        await Server.QueryAsync(db => db.Users.Where(u => u.Id == invited.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.InvitationPending, true)));
        for (var i = 0; i < 5; i++)
            await BindAsync(locked, "wrong password");

        Assert.NotNull((await Server.StoredUserAsync(locked.Id)).LockoutEnd);
        Assert.Equal(49, await BindAsync(disabled, secrets[disabled]));
        Assert.Equal(49, await BindAsync(invited, secrets[invited]));
        Assert.Equal(49, await BindAsync(locked, secrets[locked]));
        Assert.Null(await Server.QueryAsync(db => db.AppPasswords.Where(p => p.UserId == locked.Id).Select(p => p.LastUsedAt).SingleAsync()));
    }

    [Fact]
    public async Task PeopleHeldToTwoFactorBindWithAppPasswordsOnlyWhileTheSettingIsOn()
    {
        var withTwoFactor = await Server.CreateUserAsync(NewName("tfa"), Password);
        var required = await Server.CreateUserAsync(NewName("req"), Password);
        var free = await Server.CreateUserAsync(NewName("free"), Password);
        await Server.QueryAsync(db => db.Users.Where(u => u.Id == withTwoFactor.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        var policyGroup = await GroupAsync(required);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        await admin.SubmitAsync("/settings/security", Fields(("RequiredForAdmins", "false"), ("Groups", policyGroup.Id.ToString())));
        var secret = await CreatedAsync(withTwoFactor, "Phone");

        // On, as on every new install.
        Assert.Equal(49, await BindAsync(withTwoFactor, Password));
        Assert.Equal(49, await BindAsync(required, Password));
        Assert.Equal(0, await BindAsync(free, Password));
        Assert.Equal(0, await BindAsync(withTwoFactor, secret));
        // A right password refused this way is no wrong guess: the count stays, and the audit log says why.
        Assert.Equal(0, await Server.FailuresAsync(withTwoFactor));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.TargetId == withTwoFactor.Id && e.Details == "AppPasswordRequired; LDAP bind")));

        var page = await admin.GetAsync("/settings/security");
        Assert.NotNull(page.Document.QuerySelector("input[name=LdapAppPasswordsOnly][checked]"));
        var off = await admin.SubmitAsync("/settings/security", "/settings/security?handler=Ldap", Fields(("LdapAppPasswordsOnly", "false")));
        Assert.Equal("/settings/security?done=ldap", off.Location);
        Assert.Equal(0, await BindAsync(withTwoFactor, Password));
        Assert.Equal(0, await BindAsync(required, Password));

        await admin.SubmitAsync("/settings/security", "/settings/security?handler=Ldap", Fields(("LdapAppPasswordsOnly", "true")));
        Assert.Equal(49, await BindAsync(withTwoFactor, Password));
        await admin.SubmitAsync("/settings/security", Fields(("RequiredForAdmins", "false")));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SettingsChanged && e.Details!.Contains("app passwords only: no"))));
    }

    [Fact]
    public async Task NamesAreRequiredCappedFreeOfHiddenCharactersAndUniqueIgnoringCase()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        await CreateOnPageAsync(browser, "Phone");

        async Task<Page> RefusedAsync(string name) => await browser.SubmitAsync("/account", "/account?handler=CreateAppPassword",
            Fields(("AppPasswordName", name), ("AppPasswordApp", "")), expect: HttpStatusCode.BadRequest);
        var empty = await RefusedAsync("   ");
        var taken = await RefusedAsync("PHONE");
        var huge = await RefusedAsync(new string('x', 10_000));
        var hidden = await RefusedAsync("Phone\u202Eliam");
        var control = await RefusedAsync("Pho\nne");

        Assert.Contains("Give the app password a name", empty.Errors.Single());
        Assert.Contains("You already have an app password called PHONE", taken.Errors.Single());
        Assert.Contains("at most 64 characters; this one has 10000", huge.Errors.Single());
        Assert.Contains("invisible formatting characters", hidden.Errors.Single());
        Assert.Contains("control characters", control.Errors.Single());
        // What was typed stays in the form.
        Assert.Equal("PHONE", taken.Document.QuerySelector("#app-password-name")!.GetAttribute("value"));
        Assert.Null(taken.Document.QuerySelector("code.secret"));
        Assert.Equal(1, await StoredCountAsync(user));
    }

    [Fact]
    public async Task APersonHasAtMostFiftyAppPasswords()
    {
        var user = await Server.CreateUserAsync(NewName("many"), Password);
        for (var i = 0; i < AppPasswords.MaxPerPerson; i++)
            await CreatedAsync(user, $"Device {i}");

        var refused = await CreateAsync(user, "One more");

        Assert.Equal("app_password.too_many", refused.Errors.Single().Code);
        Assert.Equal(AppPasswords.MaxPerPerson, await StoredCountAsync(user));
    }

    [Fact]
    public async Task APasswordCanBeLimitedOnlyToAnAppThePersonMayUseThatSignsInOverLdap()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var (mine, _) = await AppAsync(await GroupAsync(user));
        var (closed, _) = await AppAsync(await GroupAsync());
        var (withoutLdap, _) = await AppAsync(null, serviceAccount: false);
        var (ownUsers, _) = await AppAsync(null, DirectoryMode.OwnUsers);

        var form = await browser.GetAsync("/account");
        var offered = form.Document.QuerySelectorAll("#app-password-app option").Select(o => o.GetAttribute("value")).ToList();
        var refusals = new List<string>();
        foreach (var app in new[] { closed.Id, withoutLdap.Id, ownUsers.Id, Guid.NewGuid() })
            refusals.Add((await browser.SubmitAsync("/account", "/account?handler=CreateAppPassword",
                Fields(("AppPasswordName", "Limited"), ("AppPasswordApp", app.ToString())), expect: HttpStatusCode.BadRequest)).Errors.Single());
        var limited = await CreateOnPageAsync(browser, "Limited", mine.Id);

        Assert.Contains(mine.Id.ToString(), offered);
        Assert.DoesNotContain(closed.Id.ToString(), offered);
        Assert.DoesNotContain(withoutLdap.Id.ToString(), offered);
        Assert.DoesNotContain(ownUsers.Id.ToString(), offered);
        Assert.All(refusals, r => Assert.Contains("Choose an app you may use that signs people in over LDAP", r));
        Assert.NotEmpty(limited);
        Assert.Equal(mine.Id, await Server.QueryAsync(db => db.AppPasswords.Where(p => p.UserId == user.Id).Select(p => p.AppId).SingleAsync()));
        Assert.Contains($"{mine.Name} only", (await browser.GetAsync("/account")).Text);
    }

    [Fact]
    public async Task ALimitedAppPasswordBindsOnlyOnAConnectionItsAppOpenedAndWhileThePersonMayUseIt()
    {
        var user = await Server.CreateUserAsync(NewName("lim"), Password);
        var other = await Server.CreateUserAsync(NewName("other"), Password);
        var group = await GroupAsync(user, other);
        var (mail, mailPassword) = await AppAsync(group);
        var (chat, chatPassword) = await AppAsync(group);
        var limited = await CreatedAsync(user, "Mail only", mail.Id);
        async Task<List<int>> OnOneConnectionAsync(App app, string servicePassword, params (User User, string Password)[] binds)
        {
            var result = await NodeScript.RunAsync("ldap", "ldapts", new
            {
                url = Url(Server),
                bindDn = $"cn={app.ClientId},ou=apps,{BaseDn}",
                password = servicePassword,
                rebinds = binds.Select(b => new { dn = UserDn(b.User.UserName!), password = b.Password }),
            }, "client.mjs", NodeScript.InputFile);
            Assert.False(result.TryGetProperty("error", out var error), error.ToString());
            return [.. result.GetProperty("rebinds").EnumerateArray().Select(r => r.GetProperty("code").GetInt32())];
        }

        var direct = await BindAsync(user, limited);
        // The app's connection: after its service account, and after another person bound on it, even a failed bind.
        var throughMail = await OnOneConnectionAsync(mail, mailPassword!, (user, limited), (other, Password), (other, "wrong"), (user, limited));
        var throughChat = await OnOneConnectionAsync(chat, chatPassword!, (user, limited));
        await Server.WithAsync(services => services.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, group.Id, [user.Id]));
        var afterLosingAccess = await OnOneConnectionAsync(mail, mailPassword!, (user, limited));
        await Server.WithAsync(services => services.GetRequiredService<AppChanges>().DeleteAsync(Actor.Operator, mail.Id));

        Assert.Equal(49, direct);
        Assert.Equal([0, 0, 49, 0], throughMail);
        Assert.Equal([49], throughChat);
        Assert.Equal([49], afterLosingAccess);
        // Gone with its app: nothing else could use it.
        Assert.Equal(0, await StoredCountAsync(user));
    }

    [Fact]
    public async Task ManagersSeeAndRevokeAPersonsAppPasswordsButNeverTheirSecrets()
    {
        var (person, browser) = await Server.SignedInAsync(Role.User);
        var secret = await CreateOnPageAsync(browser, "Tablet");
        var (admin, adminBrowser) = await Server.SignedInAsync(Role.Admin);

        var detail = await adminBrowser.GetAsync($"/user/{person.Id}");
        var id = detail.Document.QuerySelector("ul[aria-label='App passwords'] input[name=AppPasswordId]")!.GetAttribute("value")!;
        var revoked = await adminBrowser.SubmitAsync($"/user/{person.Id}", $"/user/{person.Id}?handler=RevokeAppPassword", Fields(("AppPasswordId", id)));

        Assert.Contains("Tablet", detail.Document.QuerySelector("ul[aria-label='App passwords']")!.TextContent);
        Assert.DoesNotContain(secret, detail.Text);
        Assert.Equal($"/user/{person.Id}?done=app-password-revoked", revoked.Location);
        Assert.Equal(49, await BindAsync(person, secret));
        Assert.Equal(0, await StoredCountAsync(person));
        var audit = await Server.QueryAsync(db => db.AuditEvents.SingleAsync(e => e.TargetId == person.Id && e.Action == AuditActions.AppPasswordRevoked));
        Assert.Equal((admin.Id, "Tablet"), (audit.ActorId!.Value, audit.Details!));
    }

    [Fact]
    public async Task NobodyElseSeesOrRevokesSomeonesAppPasswords()
    {
        var (person, browser) = await Server.SignedInAsync(Role.User);
        await CreateOnPageAsync(browser, "Tablet");
        var id = (await Server.QueryAsync(db => db.AppPasswords.SingleAsync(p => p.UserId == person.Id))).Id;
        var (_, peer) = await Server.SignedInAsync(Role.User);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var adminsSecret = await CreatedAsync(admin, "Admin's phone");
        var adminsId = (await Server.QueryAsync(db => db.AppPasswords.SingleAsync(p => p.UserId == admin.Id))).Id;

        var peerView = await peer.GetAsync($"/user/{person.Id}");
        await peer.SubmitAsync("/account", $"/user/{person.Id}?handler=RevokeAppPassword", Fields(("AppPasswordId", id.ToString())), expect: HttpStatusCode.Forbidden);
        // Through one's own account page, someone else's password is not there to revoke.
        await peer.SubmitAsync("/account", "/account?handler=RevokeAppPassword", Fields(("AppPasswordId", id.ToString())), expect: HttpStatusCode.NotFound);
        await peer.SubmitAsync("/account", "/account?handler=RevokeAppPassword", Fields(("AppPasswordId", new string('9', 5_000))), expect: HttpStatusCode.NotFound);
        // A user manager manages people below admin, not admins.
        var adminView = await manager.GetAsync($"/user/{admin.Id}");
        await manager.SubmitAsync("/account", $"/user/{admin.Id}?handler=RevokeAppPassword", Fields(("AppPasswordId", adminsId.ToString())), expect: HttpStatusCode.Forbidden);
        // Nor may a manager name one person's password under another person's page.
        await manager.SubmitAsync("/account", $"/user/{person.Id}?handler=RevokeAppPassword", Fields(("AppPasswordId", adminsId.ToString())), expect: HttpStatusCode.NotFound);

        Assert.Null(peerView.Document.QuerySelector("#app-passwords-heading"));
        Assert.Null(adminView.Document.QuerySelector("#app-passwords-heading"));
        Assert.Equal(1, await StoredCountAsync(person));
        Assert.Equal(1, await StoredCountAsync(admin));
        Assert.Equal(0, await BindAsync(admin, adminsSecret));
        var byManager = await manager.SubmitAsync("/account", $"/user/{person.Id}?handler=RevokeAppPassword", Fields(("AppPasswordId", id.ToString())));
        Assert.Equal($"/user/{person.Id}?done=app-password-revoked", byManager.Location);
        Assert.Equal(0, await StoredCountAsync(person));
    }

    [Fact]
    public async Task ThePersonRevokesTheirOwnAfterConfirming()
    {
        var (person, browser) = await Server.SignedInAsync(Role.User);
        var secret = await CreateOnPageAsync(browser, "Old phone");
        var page = await browser.GetAsync("/account");
        var confirm = page.Document.QuerySelector("ul[aria-label='App passwords'] details")!;

        var revoked = await browser.SubmitAsync("/account", "/account?handler=RevokeAppPassword",
            Fields(("AppPasswordId", confirm.QuerySelector("input[name=AppPasswordId]")!.GetAttribute("value")!)));

        // The revoke button sits inside a disclosure: one click opens it, the second revokes.
        Assert.Equal("Revoke Old phone…", confirm.QuerySelector("summary")!.TextContent.Trim());
        Assert.Equal("/account?done=app-password-revoked", revoked.Location);
        Assert.Equal(49, await BindAsync(person, secret));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.TargetId == person.Id && e.ActorId == person.Id && e.Action == AuditActions.AppPasswordRevoked)));
    }

    [Fact]
    public async Task LastUseIsNotedAtMostOnceAMinute()
    {
        var user = await Server.CreateUserAsync(NewName("use"), Password);
        var secret = await CreatedAsync(user, "Phone");
        Task<DateTime?> LastUsedAsync() => Server.QueryAsync(db => db.AppPasswords.Where(p => p.UserId == user.Id).Select(p => p.LastUsedAt).SingleAsync());

        await BindAsync(user, secret);
        var first = await LastUsedAsync();
        Server.Clock.Advance(TimeSpan.FromSeconds(30));
        await BindAsync(user, secret);
        var soon = await LastUsedAsync();
        Server.Clock.Advance(TimeSpan.FromSeconds(31));
        await BindAsync(user, secret);
        var later = await LastUsedAsync();

        Assert.NotNull(first);
        Assert.Equal(first, soon);
        Assert.Equal(first + TimeSpan.FromSeconds(61), later);
    }
}

public sealed class AppPasswordsOnSqlite(SqliteRoster fixture) : AppPasswordTests(fixture), IClassFixture<SqliteRoster>;

public sealed class AppPasswordsOnPostgres(PostgresRoster fixture) : AppPasswordTests(fixture), IClassFixture<PostgresRoster>;
