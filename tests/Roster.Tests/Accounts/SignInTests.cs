using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

public abstract class SignInTests(RosterFixture fixture)
{
    private const string Password = "correct horse battery";
    private const string InvalidMessage = "The email, username or password is not right.";
    private RosterServer Server => fixture.Server;

    private static string NewName() => "user" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task APersonSignsInWithUsernameOrEmailAndSignsOut()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        foreach (var identifier in new[] { user.UserName!, user.Email!.ToUpperInvariant() })
        {
            using var browser = Server.NewClient();
            var signedIn = await browser.SignInAsync(identifier, Password);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
            Assert.Equal("/", signedIn.Location);

            var home = await browser.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, home.Status);
            Assert.Contains(user.Name, home.Text);

            var signedOut = await browser.SubmitAsync("/logout", new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.Redirect, signedOut.Status);
            await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
            Assert.Equal("You are signed out.", (await browser.GetAsync(signedOut.Location!)).Notice);
        }
    }

    [Fact]
    public async Task APasskeyFormPostedWithoutACredentialIsAnsweredWithAMessageNotAnError()
    {
        using var anonymous = Server.NewClient();
        var login = await anonymous.SubmitAsync("/login", "/login?handler=Passkey", new Dictionary<string, string> { ["CredentialJson"] = "" });
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Contains("The browser sent no passkey", login.Errors.Single());

        var (_, browser) = await Server.SignedInAsync(Role.User);
        var add = await browser.SubmitAsync("/account/passkeys", "/account/passkeys?handler=Add", new Dictionary<string, string> { ["CredentialJson"] = "", ["PasskeyName"] = "Laptop" }, expect: HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, add.Status);
        Assert.Contains("The browser sent no passkey", add.Errors.Single());
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedKeepsTheNameTypedAndChangesNoCredential()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var browser = Server.NewClient();

        var page = await browser.SignInAsync(user.UserName!, "not the password");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal([InvalidMessage], page.Errors);
        Assert.Equal(user.UserName, page.Document.QuerySelector("#identifier")?.GetAttribute("value"));
        await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
        var stored = await Server.StoredUserAsync(user.Id);
        Assert.Equal(user.PasswordHash, stored.PasswordHash);
        Assert.Equal(user.SecurityStamp, stored.SecurityStamp);
        Assert.Equal(1, await Server.FailuresAsync(user));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.TargetId == user.Id && e.Action == AuditActions.SignInFailed)));
    }

    [Fact]
    public async Task AnUnknownAccountGetsTheSameAnswerAsAWrongPassword()
    {
        using var browser = Server.NewClient();
        var page = await browser.SignInAsync("nobody-" + NewName(), Password);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal([InvalidMessage], page.Errors);
    }

    [Fact]
    public async Task RepeatedFailuresLockTheAccountSoEvenTheRightPasswordIsRefused()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var browser = Server.NewClient();
        Page page = null!;
        for (var attempt = 1; attempt <= 5; attempt++)
            page = await browser.SignInAsync(user.UserName!, "wrong password " + attempt);
        Assert.Contains("locked", Assert.Single(page.Errors));

        page = await browser.SignInAsync(user.UserName!, Password);
        Assert.Contains("locked", Assert.Single(page.Errors));
        await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
        var stored = await Server.StoredUserAsync(user.Id);
        Assert.True(stored.LockoutEnd > DateTimeOffset.UtcNow);
        Assert.Equal(user.PasswordHash, stored.PasswordHash);
    }

    [Fact]
    public async Task UnknownNamesLockLikeRealOnesSoLockingRevealsNothing()
    {
        using var browser = Server.NewClient();
        var name = "ghost-" + NewName();
        var answers = new List<string>();
        for (var attempt = 1; attempt <= 6; attempt++)
            answers.Add(Assert.Single((await browser.SignInAsync(name, "wrong password " + attempt)).Errors));

        Assert.All(answers.Take(4), a => Assert.Equal(InvalidMessage, a));
        Assert.All(answers.Skip(4), a => Assert.Contains("locked", a));
    }

    [Fact]
    public async Task ADisabledAccountCannotSignInAndOnlyTheRightPasswordLearnsWhy()
    {
        var user = await Server.CreateUserAsync(NewName(), Password, enabled: false);
        using var browser = Server.NewClient();

        Assert.Equal([InvalidMessage], (await browser.SignInAsync(user.UserName!, "wrong password")).Errors);
        var page = await browser.SignInAsync(user.UserName!, Password);
        Assert.Contains("disabled", Assert.Single(page.Errors));
        await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task ASignInPostWithoutTheAntiforgeryTokenIsRejected()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var browser = Server.NewClient();

        var page = await browser.SubmitAsync("/login",
            new Dictionary<string, string> { ["Identifier"] = user.UserName!, ["Password"] = Password }, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        await browser.GetAsync("/", expect: HttpStatusCode.Redirect);
        Assert.Equal(0, await Server.FailuresAsync(user));
    }

    [Fact]
    public async Task ReturnUrlOutsideRosterIsIgnored()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var browser = Server.NewClient();
        var form = new Dictionary<string, string> { ["Identifier"] = user.UserName!, ["Password"] = Password, ["ReturnUrl"] = "https://evil.example/" };

        var page = await browser.SubmitAsync("/login", form);

        Assert.Equal("/", page.Location);
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        using var browser = Server.NewClient();
        using var response = await browser.Http.GetAsync("/login");

        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSite()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var browser = Server.NewClient();
        var login = await browser.GetAsync("/login");
        var token = login.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var response = await browser.Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Identifier"] = user.UserName!, ["Password"] = Password, ["__RequestVerificationToken"] = token,
        }));

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("roster=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryFormThatPostsCarriesAnAntiforgeryToken()
    {
        var user = await Server.CreateUserAsync(NewName(), Password);
        using var anonymous = Server.NewClient();
        using var signedIn = Server.NewClient();
        await signedIn.SignInAsync(user.UserName!, Password);
        var pages = new List<Page>();
        foreach (var path in new[] { "/login", "/forgot-password", "/logout" })
            pages.Add(await anonymous.GetAsync(path));
        foreach (var path in new[] { "/", "/logout" })
            pages.Add(await signedIn.GetAsync(path));

        var forms = pages.SelectMany(p => p.Document.QuerySelectorAll("form")).ToList();
        Assert.True(forms.Count >= pages.Count);
        Assert.All(forms, form =>
        {
            Assert.Equal("post", form.GetAttribute("method"));
            Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        });
    }

    [Fact]
    public async Task HealthzAnswersWhenTheDatabaseIsReachable()
    {
        using var browser = Server.NewClient();
        using var response = await browser.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SignInOnSqlite(SqliteRoster fixture) : SignInTests(fixture), IClassFixture<SqliteRoster>;

public sealed class SignInOnPostgres(PostgresRoster fixture) : SignInTests(fixture), IClassFixture<PostgresRoster>;
