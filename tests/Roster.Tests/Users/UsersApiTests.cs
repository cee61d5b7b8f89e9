using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Users;

public sealed class UsersApiTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    private RosterServer Server => fixture.Server;

    [Fact]
    public async Task WithoutATokenTheApiAnswers401ProblemDetailsAndNeverRedirects()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Server.BaseUrl) };
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "rst_made-up");

        using var response = await anonymous.GetAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AUserManagerCreatesInvitesPatchesDisablesAndDeletesThroughTheApi()
    {
        var (manager, _) = await Server.SignedInAsync(Role.UserManager);
        using var api = await Server.ApiClientAsync(manager);

        using var created = await api.PostAsJsonAsync("/api/v1/users", new { email = "linus@example.org", username = "linus", name = "Linus", password = "a kernel of truth" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/users/{id}", created.Headers.Location?.OriginalString);

        using var invited = await api.PostAsJsonAsync("/api/v1/users/invitations", new { email = "margaret@example.org", name = "Margaret" });
        Assert.Equal("Invited", (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        using var patched = await api.PatchAsJsonAsync($"/api/v1/users/{id}", new { name = "Linus T.", enabled = false });
        var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Linus T.", body.GetProperty("name").GetString());
        Assert.Equal("Disabled", body.GetProperty("status").GetString());

        using var promote = await api.PatchAsJsonAsync($"/api/v1/users/{id}", new { name = "Not Applied", role = "Admin" });
        Assert.Equal(HttpStatusCode.Forbidden, promote.StatusCode);
        Assert.Equal("Linus T.", (await Server.StoredUserAsync(id)).Name);

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/users?q=linus");
        Assert.Equal(1, list.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/users/{id}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/users/{id}")).StatusCode);
    }

    [Fact]
    public async Task AnAdminGetsAResetLinkThatWorks()
    {
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        var target = await Server.CreateUserAsync("target" + Guid.NewGuid().ToString("N")[..6], "a long test password");
        using var api = await Server.ApiClientAsync(admin);

        var link = (await (await api.PostAsJsonAsync($"/api/v1/users/{target.Id}/reset-link", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        using var browser = Server.NewClient();
        var done = await browser.SubmitAsync(new Uri(link).PathAndQuery, new Dictionary<string, string> { ["Password"] = "handed over safely", ["Confirm"] = "handed over safely" });

        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await Server.NewClient().SignInAsync(target.UserName!, "handed over safely")).Status);
    }

    [Fact]
    public async Task ARevokedTokenStopsWorkingAndTokensAreStoredHashed()
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        var created = await browser.SubmitAsync("/account?handler=CreateToken", new Dictionary<string, string> { ["TokenName"] = "backup script" });
        var secret = created.Document.QuerySelector("code.secret")!.TextContent.Trim();
        using var api = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/users")).StatusCode);
        Assert.DoesNotContain(await Server.QueryAsync(db => System.Threading.Tasks.Task.FromResult(db.ApiTokens.Select(t => t.TokenHash).ToList())), h => h.Contains(secret));

        var account = await browser.GetAsync("/account");
        var tokenId = account.Document.QuerySelector("input[name=TokenId]")!.GetAttribute("value")!;
        await browser.SubmitAsync("/account", "/account?handler=RevokeToken", new Dictionary<string, string> { ["TokenId"] = tokenId });

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/users")).StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheUsersEndpoints()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var document = await http.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/users/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/users/{id}/reset-link", out _));
    }
}
