using System.Net;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

public sealed class AccountTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task ChangingThePasswordNeedsTheCurrentOneEndsOtherSessionsAndSendsANotice()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        using var otherDevice = Server.NewClient();
        await otherDevice.SignInAsync(user.UserName!, Password);

        var wrong = await browser.SubmitAsync("/account", "/account?handler=Password",
            new Dictionary<string, string> { ["CurrentPassword"] = "not it", ["NewPassword"] = "my next password", ["Confirm"] = "my next password" }, expect: HttpStatusCode.BadRequest);
        Assert.Contains("The current password is not right.", wrong.Errors);
        Assert.Equal(user.PasswordHash, (await Server.StoredUserAsync(user.Id)).PasswordHash);

        var changed = await browser.SubmitAsync("/account", "/account?handler=Password",
            new Dictionary<string, string> { ["CurrentPassword"] = Password, ["NewPassword"] = "my next password", ["Confirm"] = "my next password" });
        Assert.Equal(HttpStatusCode.Redirect, changed.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).Status);
        await otherDevice.GetAsync("/", expect: HttpStatusCode.Redirect);
        var notice = await Eventually.MailAsync(Path.Combine(Server.DataPath, "mail"), user.Email!);
        Assert.Equal("Your Roster password was changed", notice.Subject);
    }

    [Fact]
    public async Task AHiddenEmailIsHiddenFromUsersButShownToManagers()
    {
        var (shy, shyBrowser) = await Server.SignedInAsync(Role.User);
        await shyBrowser.SubmitAsync("/account", "/account?handler=Profile",
            new Dictionary<string, string> { ["Name"] = shy.Name, ["Email"] = shy.Email!, ["EmailVisible"] = "false" });
        var (_, user) = await Server.SignedInAsync(Role.User);
        var (_, manager) = await Server.SignedInAsync(Role.UserManager);

        Assert.DoesNotContain(shy.Email!, (await user.GetAsync($"/users?q={shy.UserName}")).Text);
        Assert.DoesNotContain(shy.Email!, (await user.GetAsync($"/user/{shy.Id}")).Text);
        Assert.Contains(shy.Email!, (await manager.GetAsync($"/users?q={shy.UserName}")).Text);
        Assert.Contains(shy.Email!, (await shyBrowser.GetAsync($"/users?q={shy.UserName}")).Text);
    }

    [Fact]
    public async Task AnAvatarUploadedOnTheAccountIsServedWithItsDetectedType()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var form = await browser.GetAsync("/account");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(user.Name), "Name" },
            { new StringContent(user.Email!), "Email" },
            { new StringContent("true"), "EmailVisible" },
            { new StringContent(form.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
            { new ByteArrayContent([.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0]), "Avatar", "me.txt" },
        };
        using var saved = await browser.Http.PostAsync("/account?handler=Profile", content);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using var avatar = await browser.Http.GetAsync($"/avatar/{user.Id}");
        Assert.Equal("image/gif", avatar.Content.Headers.ContentType?.MediaType);
        // Apps show it from the OpenID Connect "picture" claim, fetched without a Roster session.
        using var fromAnApp = await new HttpClient().GetAsync($"{Server.BaseUrl}/avatar/{user.Id}");
        Assert.Equal("image/gif", fromAnApp.Content.Headers.ContentType?.MediaType);
        await Server.NewClient().GetAsync($"/avatar/{Guid.NewGuid()}", expect: HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnAdminsCopiedResetLinkIsShownOnceAndWorks()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var target = await Server.CreateUserAsync("forgetful" + Guid.NewGuid().ToString("N")[..6], Password);

        var page = await admin.SubmitAsync($"/user/{target.Id}", $"/user/{target.Id}?handler=ResetLink", new Dictionary<string, string>());
        var link = page.Document.QuerySelector("code.secret")!.TextContent.Trim();
        Assert.DoesNotContain(link, (await admin.GetAsync($"/user/{target.Id}")).Text);

        using var person = Server.NewClient();
        var done = await person.SubmitAsync(new Uri(link).PathAndQuery, new Dictionary<string, string> { ["Password"] = "chosen after a handover", ["Confirm"] = "chosen after a handover" });
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
    }
}
