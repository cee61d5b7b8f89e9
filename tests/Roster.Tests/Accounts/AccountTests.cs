using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Accounts;

public sealed class AccountTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    /// <summary>The passkey forms name a passkey by id; another person's id, or one made up, finds nothing and changes nothing.</summary>
    [Fact]
    public async Task NobodyRenamesOrRemovesAnotherPersonsPasskeyByItsId()
    {
        var (owner, _) = await Server.SignedInAsync(Role.User);
        var (_, attacker) = await Server.SignedInAsync(Role.Admin);
        var credentialId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
            var stored = (await users.FindByIdAsync(owner.Id.ToString()))!;
            var passkey = new Microsoft.AspNetCore.Identity.UserPasskeyInfo(credentialId, publicKey: [1, 2, 3], DateTimeOffset.UtcNow, signCount: 0,
                transports: null, isUserVerified: true, isBackupEligible: false, isBackedUp: false, attestationObject: [4], clientDataJson: [5]) { Name = "Owner's key" };
            Assert.True((await users.AddOrUpdatePasskeyAsync(stored, passkey)).Succeeded);
        }
        var id = System.Buffers.Text.Base64Url.EncodeToString(credentialId);

        // Someone else's id, an oversized one and one that is not base64url: the form says there is no such passkey.
        foreach (var (handler, passkeyId) in new[] { ("Rename", id), ("Remove", id), ("Rename", new string('A', 5000)), ("Remove", "not base64 !") })
        {
            var refused = await attacker.SubmitAsync("/account/passkeys", $"/account/passkeys?handler={handler}",
                new Dictionary<string, string> { ["PasskeyId"] = passkeyId, ["PasskeyName"] = "Taken" }, expect: HttpStatusCode.BadRequest);
            Assert.Contains("There is no such passkey.", refused.Errors);
        }
        // A control character is refused before any handler runs.
        await attacker.SubmitAsync("/account/passkeys", "/account/passkeys?handler=Remove",
            new Dictionary<string, string> { ["PasskeyId"] = id + "\u0000" }, expect: HttpStatusCode.BadRequest);

        await using var check = Server.App.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
        var kept = Assert.Single(await manager.GetPasskeysAsync((await manager.FindByIdAsync(owner.Id.ToString()))!));
        Assert.Equal("Owner's key", kept.Name);
    }

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
