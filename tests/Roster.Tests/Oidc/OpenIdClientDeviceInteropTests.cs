using System.Text.Json;
using Microsoft.Playwright;
using Roster.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Roster.Tests.Oidc;

/// <summary>
/// The Device Authorization Grant driven by openid-client (tests/interop/oidc/device.mjs), a library we did not
/// write, while a person approves in a real browser on a phone-sized screen.
/// </summary>
public sealed class OpenIdClientDeviceInteropTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private static Task<JsonElement> DeviceAsync(string command, object input, string stateFile) =>
        NodeScript.RunAsync("oidc", "openid-client", input, "device.mjs", command, NodeScript.InputFile, stateFile);

    [Fact]
    public async Task ADeviceGetsThePersonsTokensWhileTheyApproveItsCodeOnAPhone()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Television", confidential: false, deviceGrant: true);
        var user = await Server.CreateUserAsync("tv" + Guid.NewGuid().ToString("N")[..8], Password);
        var state = Path.GetTempFileName();
        var settings = new { issuer = Server.BaseUrl, clientId = app.ClientId, clientSecret = (string?)null, scope = "openid profile email" };

        var started = await DeviceAsync("start", settings, state);
        // The device polls from now on, as it would while its screen shows the code.
        var polling = DeviceAsync("poll", settings, state);

        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(Server.BaseUrl);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(started.GetProperty("verification_uri_complete").GetString()!);
        // Not signed in yet: Roster asks, then comes back to /device with the code filled in.
        await Chromium.SubmitSignInAsync(page, user.UserName!, Password);
        await Expect(page.GetByLabel("Code shown on your device")).ToHaveValueAsync(started.GetProperty("user_code").GetString()!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByText("Television asks to sign in as you")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "/device fits a 390 px wide screen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved");

        var result = await polling;
        Assert.Equal(user.Id.ToString(), result.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(user.UserName, result.GetProperty("claims").GetProperty("preferred_username").GetString());
        Assert.Equal(user.Email, result.GetProperty("userinfo").GetProperty("email").GetString());
        Assert.True(result.GetProperty("hasRefreshToken").GetBoolean());
    }
}
