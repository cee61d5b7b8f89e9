using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Roster.Apps;
using Roster.Data;
using Roster.Outbox;
using Roster.Tests.Infrastructure;
using Roster.OidcProvider;

namespace Roster.Tests.Oidc;

/// <summary>
/// Back-channel logout URIs as a request-forgery risk: Roster POSTs to them from inside its own network.
/// An app's operator may only name an address at one of the app's redirect origins and never a loopback,
/// private or metadata one; an admin may name private ones; metadata addresses are never contacted; a host
/// name is judged by what it resolves to at delivery.
/// </summary>
public abstract class OutboundRequestTests(RosterFixture fixture)
{
    private const string RedirectUris = "https://notes.example.org/cb\nhttp://127.0.0.1:8400/cb\nhttp://[::1]:5432/cb\nhttps://169.254.169.254/cb";

    private RosterServer Server => fixture.Server;

    /// <summary>An app whose redirect URIs include loopback and metadata origins (so only the address rule can refuse them), and a plain user who operates it.</summary>
    private async Task<(Guid AppId, string Path, User Operator, FormClient OperatorBrowser)> OperatedAppAsync()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Notes" + Guid.NewGuid().ToString("N")[..6], redirectUri: RedirectUris);
        var (operatorUser, browser) = await Server.SignedInAsync(Role.User);
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var path = $"/app/{app.AppId}";
        await admin.SubmitAsync(path, path + "?handler=Operators", new Dictionary<string, string> { ["Operators"] = operatorUser.UserName! });
        return (app.AppId, path, operatorUser, browser);
    }

    private Task<App> StoredAsync(Guid id) => Server.QueryAsync(db => db.Apps.AsNoTracking().SingleAsync(a => a.Id == id));

    private Task<OutboxMessage?> NoticeAsync(string clientId) =>
        Server.QueryAsync(db => db.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.To == clientId));

    /// <summary>Queues a logout notice for the app, as a signed-out session would.</summary>
    private async Task NotifyAsync(string clientId)
    {
        await using var scope = Server.App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<BackChannelLogouts>().Enqueue(clientId, Guid.NewGuid().ToString(), Guid.NewGuid().ToString("N"));
        await scope.ServiceProvider.GetRequiredService<RosterDb>().SaveChangesAsync();
    }

    /// <summary>Puts a URI in the app's row as it stands, as a host name that resolves elsewhere would be stored.</summary>
    private Task StoreLogoutUriAsync(Guid appId, string uri) =>
        Server.QueryAsync(db => db.Apps.Where(a => a.Id == appId).ExecuteUpdateAsync(set => set.SetProperty(a => a.BackChannelLogoutUri, uri)));

    /// <summary>Lets any retry come due and delivers everything due, here rather than waiting for the background sender.</summary>
    private async Task DeliverAllDueAsync()
    {
        Server.Clock.Advance(TimeSpan.FromHours(1));
        var sender = Server.App.Services.GetServices<IHostedService>().OfType<OutboxSender>().Single();
        while (await sender.DeliverNextAsync(CancellationToken.None)) { }
    }

    [Theory]
    [InlineData("http://127.0.0.1:8400/logout", "loopback or private")]
    [InlineData("http://[::1]:5432/", "loopback or private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "never contacts")]
    [InlineData("https://evil.example.org/logout", "redirect URIs")]
    public async Task AnAppOperatorCannotSetALoopbackMetadataOrForeignLogoutUriOnThePage(string uri, string expected)
    {
        var (appId, path, _, browser) = await OperatedAppAsync();

        var page = await browser.SubmitAsync(path, path + "?handler=SignOn", new Dictionary<string, string>
        {
            ["RedirectUris"] = RedirectUris, ["BackChannelLogoutUri"] = uri, ["TokenSigningAlgorithm"] = "RS256",
        }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(page.Errors, e => e.Contains(expected));
        Assert.Equal(uri, page.Document.QuerySelector("#backchannel")!.GetAttribute("value"));
        Assert.Null((await StoredAsync(appId)).BackChannelLogoutUri);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8400/logout")]
    [InlineData("http://[::1]:5432/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://evil.example.org/logout")]
    [InlineData("http://localhost:8400/logout")]
    public async Task AnAppOperatorCannotSetALoopbackMetadataOrForeignLogoutUriThroughTheApi(string uri)
    {
        var (appId, _, operatorUser, _) = await OperatedAppAsync();
        using var api = await Server.ApiClientAsync(operatorUser);

        using var refused = await api.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { backChannelLogoutUri = uri });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("app.backchannel_logout_uri", problem.GetProperty("codes")[0].GetString());
        Assert.Contains("cannot be a back-channel logout URI", problem.GetProperty("errors").GetProperty("BackChannelLogoutUri")[0].GetString());
        Assert.Null((await StoredAsync(appId)).BackChannelLogoutUri);
    }

    [Fact]
    public async Task AnAppOperatorMaySetALogoutUriAtARedirectOriginOnlyAnAdminVouchesForItAndNobodySetsAMetadataOne()
    {
        var (appId, _, operatorUser, _) = await OperatedAppAsync();
        var (admin, _) = await Server.SignedInAsync(Role.Admin);
        using var operatorApi = await Server.ApiClientAsync(operatorUser);
        using var adminApi = await Server.ApiClientAsync(admin);

        using var saved = await operatorApi.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { backChannelLogoutUri = "https://notes.example.org/backchannel" });
        using var metadata = await adminApi.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { backChannelLogoutUri = "https://169.254.169.254/latest/meta-data/" });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.Contains("never contacts", await metadata.Content.ReadAsStringAsync());
        Assert.Equal("https://notes.example.org/backchannel", (await StoredAsync(appId)).BackChannelLogoutUri);
        Assert.False((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backChannelLogoutUriTrusted").GetBoolean());

        // An admin saving the same URI vouches for it; the operator saving other settings keeps that.
        using var vouched = await adminApi.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { backChannelLogoutUri = "https://notes.example.org/backchannel" });
        using var kept = await operatorApi.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { tokenSigningAlgorithm = "ES256" });
        using var changed = await operatorApi.PutAsJsonAsync($"/api/v1/apps/{appId}/sign-on", new { backChannelLogoutUri = "https://notes.example.org/other" });
        Assert.True((await vouched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backChannelLogoutUriTrusted").GetBoolean());
        Assert.True((await kept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backChannelLogoutUriTrusted").GetBoolean());
        Assert.False((await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backChannelLogoutUriTrusted").GetBoolean());
    }

    [Fact]
    public async Task ANameThatResolvesToLoopbackIsRefusedAtDeliveryAndNotRetriedUnlessAnAdminSetIt()
    {
        await using var receiver = await TestApp.StartAsync();
        var byName = receiver.Url.Replace("127.0.0.1", "localhost");
        var app = await RelyingParty.RegisterAsync(Server, "Byname" + Guid.NewGuid().ToString("N")[..6]);
        // Not set through a form, which refuses "localhost" outright: this is how any name whose DNS answer
        // is 127.0.0.1 arrives, since a form cannot know what a name will resolve to at delivery.
        await StoreLogoutUriAsync(app.AppId, byName);

        await NotifyAsync(app.ClientId);
        var refused = await Eventually.GetAsync(async () => await NoticeAsync(app.ClientId) is { LastError: not null } m ? m : null, "the refused delivery");
        await DeliverAllDueAsync();

        Assert.Empty(receiver.Received);
        Assert.Null(refused.SentAt);
        Assert.Contains("loopback or private", refused.LastError);
        Assert.Equal(refused.Attempts, (await NoticeAsync(app.ClientId))!.Attempts);

        // The same address set by an admin is delivered to.
        var trusted = await RelyingParty.RegisterAsync(Server, "Trusted" + Guid.NewGuid().ToString("N")[..6], backChannelLogoutUri: byName);
        await NotifyAsync(trusted.ClientId);
        await TestApp.ValidateAsync(await Eventually.GetAsync(() => Task.FromResult(receiver.Received.FirstOrDefault()), "the admin's logout token"),
            Server.BaseUrl, trusted.ClientId);
    }

    [Fact]
    public async Task AMetadataAddressIsNeverContactedEvenWhenAnAdminVouchedForIt()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Meta" + Guid.NewGuid().ToString("N")[..6]);
        // As a name that resolves to the metadata address would be stored (metadata.google.internal, say).
        await Server.QueryAsync(db => db.Database.ExecuteSqlAsync(
            $"""UPDATE "Apps" SET "BackChannelLogoutUri" = {"http://169.254.169.254/latest/meta-data/"}, "BackChannelLogoutUriTrusted" = {true} WHERE "Id" = {app.AppId}"""));

        await NotifyAsync(app.ClientId);
        var refused = await Eventually.GetAsync(async () => await NoticeAsync(app.ClientId) is { LastError: not null } m ? m : null, "the refused delivery");
        await DeliverAllDueAsync();

        Assert.Null(refused.SentAt);
        Assert.Contains("never contacts", refused.LastError);
        Assert.Equal(refused.Attempts, (await NoticeAsync(app.ClientId))!.Attempts);
    }

    [Fact]
    public async Task ALogoutUriAnsweringWithAnEndlessBodyIsStillDeliveredPromptly()
    {
        await using var site = await LoopbackSite.StartAsync(_ => { }, web => web.MapPost("/logout", async (HttpContext context) =>
        {
            var chunk = new byte[8192];
            try
            {
                for (var i = 0; i < 1_000_000; i++)
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
        }));
        var app = await RelyingParty.RegisterAsync(Server, "Endless" + Guid.NewGuid().ToString("N")[..6], backChannelLogoutUri: site.Origin + "/logout");

        await NotifyAsync(app.ClientId);

        // Well inside the request timeout: the body past the cap is never read.
        await Eventually.GetAsync(async () => await NoticeAsync(app.ClientId) is { SentAt: not null } m ? m : null, "the delivered notice", TimeSpan.FromSeconds(8));
    }
}

public sealed class SqliteOutboundRequestTests(SqliteRoster fixture) : OutboundRequestTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresOutboundRequestTests(PostgresRoster fixture) : OutboundRequestTests(fixture), IClassFixture<PostgresRoster>;
