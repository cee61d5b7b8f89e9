using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Users;

/// <summary>Every rule of PRODUCT.md section 3 refuses bad input with a clear message, keeps what was typed, and stores nothing.</summary>
public abstract class UserRulesTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;
    private static readonly byte[] PngHeader = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static Dictionary<string, string> ValidForm(string suffix) => new()
    {
        ["Email"] = $"new{suffix}@example.org",
        ["Username"] = $"new{suffix}",
        ["Name"] = $"New Person {suffix}",
        ["Role"] = "User",
        ["Enabled"] = "true",
        ["EmailVisible"] = "true",
        ["Password"] = "a perfectly fine passphrase",
        ["Confirm"] = "a perfectly fine passphrase",
    };

    /// <summary>Posts the create form as a browser would (multipart, with the page's antiforgery token).</summary>
    private static async Task<Page> CreateAsync(FormClient browser, Dictionary<string, string> fields, (string Name, byte[] Data)? file = null)
    {
        var form = await browser.GetAsync("/users/create");
        var content = new MultipartFormDataContent();
        foreach (var (key, value) in fields)
            content.Add(new StringContent(value), key);
        content.Add(new StringContent(form.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken");
        if (file is { } upload)
        {
            var part = new ByteArrayContent(upload.Data);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            content.Add(part, "Avatar", upload.Name);
        }
        using var response = await browser.Http.PostAsync("/users/create", content);
        var html = await response.Content.ReadAsStringAsync();
        return new Page(response.StatusCode, response.Headers.Location?.OriginalString, new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html));
    }

    private async Task AssertRefusedAsync(Dictionary<string, string> fields, string expected, (string, byte[])? file = null)
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var before = await Server.QueryAsync(db => db.Users.CountAsync());
        var avatarsBefore = await Server.QueryAsync(db => db.Avatars.CountAsync());

        var page = await CreateAsync(browser, fields, file);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(page.Errors, e => e.Contains(expected, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(fields["Email"], page.Document.QuerySelector("#email")?.GetAttribute("value") ?? "");
        Assert.Equal(fields["Name"], page.Document.QuerySelector("#name")?.GetAttribute("value") ?? "");
        Assert.Equal(before, await Server.QueryAsync(db => db.Users.CountAsync()));
        Assert.Equal(avatarsBefore, await Server.QueryAsync(db => db.Avatars.CountAsync()));
    }

    [Fact]
    public async Task AValidUserIsCreatedWithItsAvatar()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var fields = ValidForm(Unique());

        var page = await CreateAsync(browser, fields, ("me.png", [.. PngHeader, .. new byte[100]]));

        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        var stored = await Server.QueryAsync(db => db.Users.SingleAsync(u => u.Email == fields["Email"]));
        Assert.Equal("image/png", (await Server.QueryAsync(db => db.Avatars.SingleAsync(a => a.UserId == stored.Id))).ContentType);
        using var user = Server.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await user.SignInAsync(fields["Username"], fields["Password"])).Status);
    }

    [Fact]
    public Task AnAvatarThatIsARenamedTextFileIsRefused() =>
        AssertRefusedAsync(ValidForm(Unique()), "must be a PNG, JPEG, WEBP or GIF image", ("photo.png", "this is not an image"u8.ToArray()));

    [Fact]
    public Task ASixMegabyteImageIsRefused() =>
        AssertRefusedAsync(ValidForm(Unique()), "at most 5 MB", ("big.png", [.. PngHeader, .. new byte[6 * 1024 * 1024]]));

    [Theory]
    [InlineData("admin")]
    [InlineData("Support")]
    [InlineData("404")]
    public Task AReservedUsernameIsRefused(string username) =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Username"] = username }, "is reserved");

    [Theory]
    [InlineData("has space")]
    [InlineData("under_score")]
    [InlineData("émile")]
    public Task AUsernameWithOtherCharactersIsRefused(string username) =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Username"] = username }, "letters, digits, dots");

    [Fact]
    public Task AUsernameOf65CharactersIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Username"] = new string('a', 65) }, "1 to 64");

    [Fact]
    public Task AnEmailOf65CharactersIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Email"] = new string('a', 53) + "@example.org" }, "at most 64 characters");

    [Fact]
    public Task AnInvalidEmailIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Email"] = "not-an-address" }, "is not an email address");

    [Fact]
    public async Task AnEmailDifferingOnlyInCaseFromAnExistingOneIsRefused()
    {
        var existing = await Server.CreateUserAsync("taken" + Unique(), "a long test password");
        await AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Email"] = existing.Email!.ToUpperInvariant() }, "already uses this email");
    }

    [Fact]
    public async Task AUsernameDifferingOnlyInCaseFromAnExistingOneIsRefused()
    {
        var existing = await Server.CreateUserAsync("taken" + Unique(), "a long test password");
        await AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Username"] = existing.UserName!.ToUpperInvariant() }, "already taken");
    }

    [Fact]
    public Task APasswordShorterThanTenCharactersIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Password"] = "short", ["Confirm"] = "short" }, "at least 10 characters");

    [Fact]
    public Task ACommonBreachedPasswordIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Password"] = "Password123", ["Confirm"] = "Password123" }, "most common leaked passwords");

    [Fact]
    public async Task APasswordContainingTheUsernameIsRefused()
    {
        var suffix = Unique();
        await AssertRefusedAsync(new Dictionary<string, string>(ValidForm(suffix)) { ["Password"] = $"new{suffix}-secret", ["Confirm"] = $"new{suffix}-secret" }, "must not contain your username");
    }

    [Fact]
    public Task AMismatchedConfirmationIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Confirm"] = "something else entirely" }, "not the same");

    [Fact]
    public Task AMissingNameIsRefused() =>
        AssertRefusedAsync(new Dictionary<string, string>(ValidForm(Unique())) { ["Name"] = "" }, "Enter a name");

    [Fact]
    public async Task AUserManagerCannotCreateAnAdmin()
    {
        var (_, browser) = await Server.SignedInAsync(Role.UserManager);
        var before = await Server.QueryAsync(db => db.Users.CountAsync());

        var page = await CreateAsync(browser, new Dictionary<string, string>(ValidForm(Unique())) { ["Role"] = "Admin" });

        Assert.Contains(page.Errors, e => e.Contains("may not give the role Admin"));
        Assert.Equal(before, await Server.QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task TheApiRefusesTheSameInputWithProblemDetails()
    {
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(admin);
        var before = await Server.QueryAsync(db => db.Users.CountAsync());

        using var response = await api.PostAsJsonAsync("/api/v1/users", new { email = new string('a', 53) + "@example.org", username = "root", name = "X", password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var codes = problem.RootElement.GetProperty("codes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("email.too_long", codes);
        Assert.Contains("username.reserved", codes);
        Assert.Contains("PasswordTooShort", codes);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("Email", out _));
        Assert.Equal(before, await Server.QueryAsync(db => db.Users.CountAsync()));
    }
}

public sealed class UserRulesOnSqlite(SqliteRoster fixture) : UserRulesTests(fixture), IClassFixture<SqliteRoster>;

public sealed class UserRulesOnPostgres(PostgresRoster fixture) : UserRulesTests(fixture), IClassFixture<PostgresRoster>;
