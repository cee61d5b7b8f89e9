using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Provisioning;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Provisioning;

/// <summary>
/// Who may connect an app to a SCIM provider and to which address, and where its token may never show up: the app's
/// other settings' rule (admins and this app's operators), antiforgery, server-side request forgery, a secret that
/// goes into the app's settings and never comes out.
/// </summary>
public abstract class ScimSettingsTests(RosterFixture fixture)
{
    private const string Token = "s3cret-scim-token-that-must-never-leak-7d1e";
    private RosterServer Server => fixture.Server;
    private ScimFlow Flow => new(Server);

    private async Task<Guid> NewAppAsync() => (await Flow.WithAsync(s => s.GetRequiredService<Roster.Apps.AppChanges>().RegisterAsync(Actor.Operator,
        new Roster.Apps.AppSettings("Chat " + Guid.NewGuid().ToString("N")[..6], "https://chat.example.org", "", Roster.Apps.DirectoryMode.UseRoster, Roster.Apps.AppAccess.Everyone, [])))).Id;

    private static Dictionary<string, string> Form(string url, string token = Token, bool on = true) => new()
    {
        ["ScimUrl"] = url, ["ScimToken"] = token, ["ScimDeprovision"] = "Deactivate", ["ScimEnabled"] = on ? "true" : "false",
    };

    private Task<ScimConnection?> StoredAsync(Guid app) => Server.QueryAsync(db => db.ScimConnections.AsNoTracking().SingleOrDefaultAsync(c => c.AppId == app));

    private async Task<(User User, FormClient Browser)> OperatorOfAsync(Guid app)
    {
        var (user, browser) = await Server.SignedInAsync(Role.User);
        await Flow.WithAsync(s => s.GetRequiredService<Roster.Apps.AppChanges>().SetOperatorsAsync(Actor.Operator, app, [user.UserName!]));
        return (user, browser);
    }

    [Fact]
    public async Task TheTokenIsStoredEncryptedAndNeverShownOnAPageInTheApiOrTheAuditLog()
    {
        var app = await NewAppAsync();
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);
        await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form("https://scim.example.org/v2"));
        using var api = await Server.ApiClientAsync(admin);

        var page = await browser.GetAsync($"/app/{app}");
        var status = await api.GetStringAsync($"/api/v1/apps/{app}/scim");
        using var put = await api.PutAsJsonAsync($"/api/v1/apps/{app}/scim", new { deprovision = "Delete" });
        var audit = await browser.GetAsync("/audit");
        var stored = (await StoredAsync(app))!;

        Assert.Contains("Set (never shown again)", page.Text);
        Assert.DoesNotContain(Token, page.Document.DocumentElement.OuterHtml);
        Assert.Contains("\"tokenSet\":true", status);
        Assert.DoesNotContain(Token, status);
        Assert.DoesNotContain(Token, await put.Content.ReadAsStringAsync());
        Assert.Contains("app.scim-changed", audit.Text);
        Assert.DoesNotContain(Token, audit.Document.DocumentElement.OuterHtml);
        Assert.DoesNotContain(Token, stored.ProtectedToken);
        Assert.False(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Details != null && e.Details.Contains(Token))));
        Assert.False(await Server.QueryAsync(db => db.Outbox.AnyAsync(m => m.TextBody.Contains(Token) || m.Subject.Contains(Token))));
        Assert.Equal(Roster.Provisioning.Deprovisioning.Delete, (await StoredAsync(app))!.Deprovision);
        Assert.Equal(stored.ProtectedToken, (await StoredAsync(app))!.ProtectedToken); // a PUT without a token keeps it
    }

    public static TheoryData<string> Outsiders => ["user", "user manager", "operator of another app"];

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task SomeoneWhoMayNotConfigureTheAppCannotSeeChangeOrSyncItsScim(string who)
    {
        var app = await NewAppAsync();
        var (_, adminBrowser) = await Server.SignedInAsync(Role.Admin);
        await adminBrowser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form("https://scim.example.org/v2"));
        var before = (await StoredAsync(app))!;
        var (user, browser) = who switch
        {
            "user manager" => await Server.SignedInAsync(Role.UserManager),
            "operator of another app" => await OperatorOfAsync(await NewAppAsync()),
            _ => await Server.SignedInAsync(Role.User),
        };
        using var api = await Server.ApiClientAsync(user);

        var save = await browser.SubmitAsync("/account", $"/app/{app}/scim?handler=Save", Form("https://evil.example.org/scim", "attacker-token"), expect: HttpStatusCode.Forbidden);
        var sync = await browser.SubmitAsync("/account", $"/app/{app}/scim?handler=Sync", new Dictionary<string, string>(), expect: HttpStatusCode.Forbidden);
        var page = await browser.GetAsync($"/app/{app}/scim", expect: HttpStatusCode.Forbidden);
        using var get = await api.GetAsync($"/api/v1/apps/{app}/scim");
        using var put = await api.PutAsJsonAsync($"/api/v1/apps/{app}/scim", new { baseUrl = "https://evil.example.org/scim", token = "attacker-token" });
        using var apiSync = await api.PostAsync($"/api/v1/apps/{app}/scim/sync", null);

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { get.StatusCode, put.StatusCode, apiSync.StatusCode });
        var after = (await StoredAsync(app))!;
        Assert.Equal((before.BaseUrl, before.ProtectedToken, before.UpdatedAt), (after.BaseUrl, after.ProtectedToken, after.UpdatedAt));
        Assert.Equal(1, await Server.QueryAsync(db => db.Outbox.CountAsync(m => m.To == app.ToString() && m.Subject == "sync")));
    }

    [Fact]
    public async Task AFormPostedWithoutItsAntiforgeryTokenChangesNothing()
    {
        var app = await NewAppAsync();
        var (_, browser) = await Server.SignedInAsync(Role.Admin);

        await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form("https://scim.example.org/v2"), withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
        await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Sync", new Dictionary<string, string>(), withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Null(await StoredAsync(app));
    }

    [Fact]
    public async Task TheAppsOperatorMayConnectItToAPublicAddressButNotToALoopbackOne()
    {
        var app = await NewAppAsync();
        var (_, browser) = await OperatorOfAsync(app);

        var loopback = await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form("http://127.0.0.1:8080/scim"), expect: HttpStatusCode.BadRequest);
        Assert.Contains("only an admin may choose", loopback.Text);
        Assert.Equal("http://127.0.0.1:8080/scim", (loopback.Document.QuerySelector("#scim-url") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value);
        Assert.Equal("", (loopback.Document.QuerySelector("#scim-token") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value);
        Assert.DoesNotContain(Token, loopback.Document.DocumentElement.OuterHtml);
        Assert.Null(await StoredAsync(app));

        await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form("https://scim.example.org/v2"));
        var stored = (await StoredAsync(app))!;
        Assert.Equal(("https://scim.example.org/v2", false, true), (stored.BaseUrl, stored.BaseUrlTrusted, stored.Enabled));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest", "link-local")]
    [InlineData("http://[fd00:ec2::254]/scim", "link-local")]
    [InlineData("http://0.0.0.0:9000/scim", "link-local")]
    [InlineData("ftp://scim.example.org/", "without a user name")]
    [InlineData("https://user:password@scim.example.org/v2", "without a user name")]
    [InlineData("https://scim.example.org/v2?tenant=1", "without a user name")]
    [InlineData("/scim/v2", "without a user name")]
    public async Task AnAdminCannotPointScimAtAReservedAddressOrAnUrlWithCredentials(string url, string expected)
    {
        var app = await NewAppAsync();
        var (_, browser) = await Server.SignedInAsync(Role.Admin);

        var page = await browser.SubmitAsync($"/app/{app}", $"/app/{app}/scim?handler=Save", Form(url), expect: HttpStatusCode.BadRequest);

        Assert.Contains(expected, page.Text);
        Assert.Null(await StoredAsync(app));
    }

    [Theory]
    [InlineData("a token with spaces", "visible ASCII")]
    [InlineData("tøken", "visible ASCII")]
    [InlineData("", "before turning provisioning on")]
    public async Task ABadOrMissingTokenIsRefusedAndNothingIsStored(string token, string expected)
    {
        var app = await NewAppAsync();
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var api = await Server.ApiClientAsync(admin);

        using var put = await api.PutAsJsonAsync($"/api/v1/apps/{app}/scim", new { enabled = true, baseUrl = "https://scim.example.org/v2", token });
        var oversized = await api.PutAsJsonAsync($"/api/v1/apps/{app}/scim", new { enabled = true, baseUrl = "https://scim.example.org/" + new string('a', 3000), token = "t" });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains(expected, await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, oversized.StatusCode);
        Assert.Null(await StoredAsync(app));
    }

    [Fact]
    public async Task ThePeriodicReconciliationQueuesOneSyncPerConnectedAppAndNoSecondWhileOneWaits()
    {
        var on = await NewAppAsync();
        var off = await NewAppAsync();
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        await browser.SubmitAsync($"/app/{on}", $"/app/{on}/scim?handler=Save", Form("https://scim.invalid/v2"));
        await browser.SubmitAsync($"/app/{off}", $"/app/{off}/scim?handler=Save", Form("https://scim.invalid/v2", on: false));
        var periodic = Server.App.Services.GetRequiredService<ScimPeriodicSync>();
        // The sync that turning provisioning on queued has run.
        await Server.QueryAsync(db => db.Outbox.Where(m => m.To == on.ToString() || m.To == off.ToString())
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.SentAt, DateTime.UtcNow)));

        await periodic.QueueAsync(CancellationToken.None);
        await periodic.QueueAsync(CancellationToken.None);

        Task<int> SyncsAsync(Guid app) => Server.QueryAsync(db => db.Outbox.CountAsync(m => m.To == app.ToString() && m.Subject == "sync" && m.SentAt == null && m.GaveUpAt == null));
        Assert.Equal(1, await SyncsAsync(on));
        Assert.Equal(0, await SyncsAsync(off));
    }

    [Fact]
    public async Task AnAddressNoAdminVouchedForThatNowLeadsToLoopbackIsRefusedWhenPushingAndGivenUp()
    {
        await using var provider = await ScimProvider.StartAsync();
        var (app, admin) = await Flow.ConnectedAppAsync(provider, Deprovisioning.Delete, await Flow.GroupAsync("staff"));
        // As if an operator's public host name had since been pointed at 127.0.0.1 (DNS rebinding).
        await Server.QueryAsync(db => db.ScimConnections.Where(c => c.AppId == app).ExecuteUpdateAsync(s => s.SetProperty(c => c.BaseUrlTrusted, false)));
        var seen = (await provider.RequestsAsync()).Count;

        using var api = await Server.ApiClientAsync((await Server.SignedInAsync(Role.Admin)).User);
        using var sync = await api.PostAsync($"/api/v1/apps/{app}/scim/sync", null);
        Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);
        await Flow.SettledAsync(app);

        Assert.Contains("loopback or private address", (await Flow.ConnectionAsync(app)).LastError);
        Assert.Equal(seen, (await provider.RequestsAsync()).Count);
        Assert.Contains("loopback or private address", (await admin.GetAsync($"/app/{app}")).Text);
    }
}

public sealed class ScimSettingsOnSqlite(SqliteRoster fixture) : ScimSettingsTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ScimSettingsOnPostgres(PostgresRoster fixture) : ScimSettingsTests(fixture), IClassFixture<PostgresRoster>;
