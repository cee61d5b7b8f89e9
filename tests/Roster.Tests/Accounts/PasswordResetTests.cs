using System.Net;
using Microsoft.EntityFrameworkCore;
using Roster.Outbox;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

public abstract class PasswordResetTests(RosterFixture fixture)
{
    private const string OldPassword = "the old password";
    private const string NewPassword = "a brand new password";
    private const string UnusableLinkMessage = "This link has expired or was already used. Ask for a new one.";
    private RosterServer Server => fixture.Server;
    private string MailFolder => Path.Combine(Server.DataPath, "mail");

    private async Task<User> NewUserAsync() => await Server.CreateUserAsync("user" + Guid.NewGuid().ToString("N")[..8], OldPassword);

    /// <summary>Asks for a reset link as the person would, and reads it from the email that arrives.</summary>
    private async Task<string> RequestResetLinkAsync(User user)
    {
        using var browser = Server.NewClient();
        await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = user.Email! });
        var mail = await Eventually.MailAsync(MailFolder, user.Email!);
        return new Uri(mail.Link("/reset-password/")).PathAndQuery;
    }

    private static Dictionary<string, string> NewPasswordForm(string password, string confirm) => new() { ["Password"] = password, ["Confirm"] = confirm };

    private async Task AssertUnchangedAsync(User user)
    {
        var stored = await Server.StoredUserAsync(user.Id);
        Assert.Equal(user.PasswordHash, stored.PasswordHash);
        Assert.Equal(user.SecurityStamp, stored.SecurityStamp);
        using var browser = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user.UserName!, OldPassword)).Status);
    }

    /// <summary>Waits until the outbox sender has handled every "forgot password" request made so far.</summary>
    private async Task RequestsHandledAsync() =>
        await Eventually.GetAsync(async () => await Server.QueryAsync(db =>
            db.Outbox.AnyAsync(m => m.Channel == OutboxChannel.PasswordResetRequest && m.SentAt == null)) ? null : "", "the reset requests to be handled");

    [Fact]
    public async Task ForgotPasswordAnswersTheSameWhetherOrNotTheAccountExists()
    {
        var user = await NewUserAsync();
        using var browser = Server.NewClient();

        var known = await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = user.Email! });
        var unknown = await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = "nobody@example.org" });

        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(known.Notice, unknown.Notice);
        Assert.NotNull(known.Notice);
        await Eventually.MailAsync(MailFolder, user.Email!);
        await RequestsHandledAsync();
        Assert.Equal(1, await Server.QueryAsync(db => db.Outbox.CountAsync(m => m.To == user.Email)));
        Assert.Equal(0, await Server.QueryAsync(db => db.Outbox.CountAsync(m => m.To == "nobody@example.org")));
    }

    [Fact]
    public async Task ForgotPasswordDoesTheSameDatabaseWorkWhetherOrNotTheAccountExists()
    {
        var user = await NewUserAsync();
        using var trace = new SqlTrace();
        using var browser = Server.NewClient();

        async Task<IReadOnlyList<string>> AskAsync(string identifier)
        {
            var marker = Guid.NewGuid().ToString("N");
            browser.Http.DefaultRequestHeaders.Remove(SqlTrace.Header);
            browser.Http.DefaultRequestHeaders.Add(SqlTrace.Header, marker);
            Assert.Equal(HttpStatusCode.OK, (await browser.SubmitAsync("/forgot-password", new Dictionary<string, string> { ["Identifier"] = identifier })).Status);
            return trace.CommandsFor(marker);
        }
        // EF Core looks again whether anyone listens to its diagnostics only every so often, and other test classes'
        // servers run meanwhile: ask until the trace saw both answers' commands.
        var (known, unknown) = await Eventually.GetAsync(async () =>
        {
            var known = await AskAsync(user.Email!);
            var unknown = await AskAsync("nobody" + Guid.NewGuid().ToString("N")[..8] + "@example.org");
            return known.Count > 0 && unknown.Count > 0 ? Tuple.Create(known, unknown) : null;
        }, "the SQL trace to see both answers' commands");

        // The same statements in the same order: nothing the answer waits for depends on the account. The link still comes.
        Assert.Equal(unknown, known);
        await Eventually.MailAsync(MailFolder, user.Email!);
    }

    [Fact]
    public async Task TheLinkSetsANewPasswordOnceAndEndsOtherSessions()
    {
        var user = await NewUserAsync();
        using var otherDevice = Server.NewClient();
        await otherDevice.SignInAsync(user.UserName!, OldPassword);
        var link = await RequestResetLinkAsync(user);

        using var browser = Server.NewClient();
        var done = await browser.SubmitAsync(link, NewPasswordForm(NewPassword, NewPassword));

        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.Equal(["The email, username or password is not right."], (await browser.SignInAsync(user.UserName!, OldPassword)).Errors);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(user.UserName!, NewPassword)).Status);
        await otherDevice.GetAsync("/", expect: HttpStatusCode.Redirect);

        using var again = Server.NewClient();
        Assert.Equal([UnusableLinkMessage], (await again.GetAsync(link)).Errors);
        var reuse = await again.SubmitAsync("/login", link, NewPasswordForm("a third password", "a third password"));
        Assert.Equal([UnusableLinkMessage], reuse.Errors);
        var stored = await Server.StoredUserAsync(user.Id);
        using var check = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await check.SignInAsync(user.UserName!, NewPassword)).Status);
        Assert.NotEqual(user.PasswordHash, stored.PasswordHash);
    }

    [Fact]
    public async Task AReusedLinkIsRefusedAndChangesNothing()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        using var browser = Server.NewClient();
        await browser.SubmitAsync(link, NewPasswordForm(NewPassword, NewPassword));
        var afterFirstUse = await Server.StoredUserAsync(user.Id);

        var page = await browser.SubmitAsync("/login", link, NewPasswordForm("another new password", "another new password"));

        Assert.Equal([UnusableLinkMessage], page.Errors);
        var stored = await Server.StoredUserAsync(user.Id);
        Assert.Equal(afterFirstUse.PasswordHash, stored.PasswordHash);
        Assert.Equal(afterFirstUse.SecurityStamp, stored.SecurityStamp);
    }

    [Fact]
    public async Task AnExpiredLinkIsRefusedAndChangesNothing()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        Server.Clock.Advance(TimeSpan.FromMinutes(61));
        using var browser = Server.NewClient();

        var form = await browser.GetAsync(link);
        var posted = await browser.SubmitAsync("/login", link, NewPasswordForm(NewPassword, NewPassword));

        Assert.Equal([UnusableLinkMessage], form.Errors);
        Assert.Null(form.Document.QuerySelector("#password"));
        Assert.Equal([UnusableLinkMessage], posted.Errors);
        await AssertUnchangedAsync(user);
    }

    [Fact]
    public async Task AMismatchedConfirmationIsRefusedAndKeepsTheLinkUsable()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        using var browser = Server.NewClient();

        var page = await browser.SubmitAsync(link, NewPasswordForm(NewPassword, NewPassword + "!"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(["The two passwords are not the same."], page.Errors);
        Assert.NotNull(page.Document.QuerySelector("#password"));
        await AssertUnchangedAsync(user);
        Assert.Empty((await browser.GetAsync(link)).Errors);
    }

    [Fact]
    public async Task ATooShortPasswordIsRefusedAndKeepsTheLinkUsable()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        using var browser = Server.NewClient();

        var page = await browser.SubmitAsync(link, NewPasswordForm("short", "short"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(page.Errors, e => e.Contains("at least 10 characters"));
        await AssertUnchangedAsync(user);
        Assert.Empty((await browser.GetAsync(link)).Errors);
    }

    [Fact]
    public async Task AResetPostWithoutTheAntiforgeryTokenIsRejected()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        using var browser = Server.NewClient();

        var page = await browser.SubmitAsync(link, NewPasswordForm(NewPassword, NewPassword), withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        await AssertUnchangedAsync(user);
        Assert.Empty((await browser.GetAsync(link)).Errors);
    }

    [Fact]
    public async Task AForgedHostHeaderDoesNotRedirectTheResetLink()
    {
        var user = await NewUserAsync();
        using var browser = Server.NewClient();
        var form = await browser.GetAsync("/forgot-password");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/forgot-password")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Identifier"] = user.Email!,
                ["__RequestVerificationToken"] = form.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            }),
        };
        request.Headers.Host = "attacker.example";
        using var response = await browser.Http.SendAsync(request);

        var mail = await Eventually.MailAsync(MailFolder, user.Email!);
        Assert.DoesNotContain("attacker.example", mail.Text);
        Assert.StartsWith(Server.BaseUrl + "/reset-password/", mail.Link("/reset-password/"));
    }

    [Fact]
    public async Task AMadeUpLinkIsRefused()
    {
        using var browser = Server.NewClient();
        var page = await browser.GetAsync("/reset-password/" + new string('A', 43));

        Assert.Equal([UnusableLinkMessage], page.Errors);
    }

    [Fact]
    public async Task OnlyTheHashOfTheTokenIsStored()
    {
        var user = await NewUserAsync();
        var link = await RequestResetLinkAsync(user);
        var secret = link.Split('/').Last();

        var stored = await Server.QueryAsync(db => db.AccountTokens.Where(t => t.UserId == user.Id).ToListAsync());

        Assert.DoesNotContain(stored, t => t.TokenHash.Contains(secret));
        Assert.All(stored, t => Assert.Equal(64, t.TokenHash.Length));
    }
}

public sealed class PasswordResetOnSqlite(SqliteRoster fixture) : PasswordResetTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PasswordResetOnPostgres(PostgresRoster fixture) : PasswordResetTests(fixture), IClassFixture<PostgresRoster>;
