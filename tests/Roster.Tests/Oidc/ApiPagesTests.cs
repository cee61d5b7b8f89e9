using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Audit;
using Roster.OidcProvider;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// The dashboard's API pages (/apis, /apis/{id}) through their forms, as an admin with a plain browser: what the
/// ApiResources service does from the REST API and the CLI, with its refusals beside the fields, what was typed kept,
/// and secrets shown once.
/// </summary>
public abstract class ApiPagesTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private static string NewIdentifier() => $"https://api-{Guid.NewGuid():N}.example.org/";

    private static Dictionary<string, string> Form(string name, string identifier, string scopes, string lifetime = "600") => new()
    {
        ["Name"] = name, ["Identifier"] = identifier, ["Scopes"] = scopes, ["AccessTokenLifetimeSeconds"] = lifetime,
    };

    private Task<ApiResource?> StoredAsync(string identifier) =>
        Server.QueryAsync(db => db.ApiResources.AsNoTracking().SingleOrDefaultAsync(a => a.Identifier == identifier));

    private Task<string?> AccessAsync(Guid apiId, Guid appId) =>
        Server.QueryAsync(db => db.ApiResourceAccess.AsNoTracking().Where(a => a.ApiId == apiId && a.AppId == appId).Select(a => a.Scopes).SingleOrDefaultAsync());

    /// <summary>Registers an API through the form and returns the page that answered, with the API as stored.</summary>
    private async Task<(Page Page, ApiResource Api, string Path)> RegisterAsync(FormClient admin, string scopes = "orders:read orders:write", string name = "Orders")
    {
        var identifier = NewIdentifier();
        var page = await admin.SubmitAsync("/apis", Form(name, identifier, scopes), expect: HttpStatusCode.OK);
        var api = await StoredAsync(identifier);
        Assert.NotNull(api);
        return (page, api, $"/apis/{api.Id}");
    }

    private async Task<Guid> NewAppAsync(string name, DirectoryMode mode = DirectoryMode.UseRoster) =>
        await Server.WithAsync(async services => (await services.GetRequiredService<AppChanges>().RegisterAsync(Actor.Operator,
            new AppSettings(name, "https://app.example.org", "", mode, AppAccess.Everyone, []))).Value!.Id);

    [Fact]
    public async Task AnAdminRegistersAnApiAndSeesItsIntrospectionSecretOnceUncachedAndKeptAsAHash()
    {
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);
        var identifier = NewIdentifier();

        using var response = await browser.Http.PostAsync("/apis", new FormUrlEncodedContent(await WithTokenAsync(browser, "/apis",
            Form("Orders", identifier, "orders:read\r\norders:write  orders:admin", "900"))));
        var html = await response.Content.ReadAsStringAsync();
        var api = await StoredAsync(identifier);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        Assert.NotNull(api);
        Assert.Equal("orders:read orders:write orders:admin", api.Scopes);
        Assert.Equal(900, api.AccessTokenLifetimeSeconds);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var codes = page.QuerySelectorAll(".notice code.secret").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(2, codes.Count);
        Assert.Equal(api.ClientId, codes[0]);
        Assert.Equal(Roster.Kernel.Secrets.Hash(codes[1]), api.SecretHash);
        Assert.NotEqual(codes[1], api.SecretHash);
        Assert.Null(page.QuerySelector("#api-name")!.GetAttribute("value"));
        Assert.Equal(1, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ApiRegistered && e.ActorId == admin.Id && e.Details!.Contains(identifier))));

        var list = await browser.GetAsync("/apis");
        var detail = await browser.GetAsync($"/apis/{api.Id}");
        Assert.DoesNotContain(codes[1], list.Text);
        Assert.DoesNotContain(codes[1], detail.Text);
        var row = list.Document.QuerySelectorAll("table.list tbody tr").Single(r => r.TextContent.Contains(identifier));
        Assert.Equal(["Orders", identifier, "orders:read orders:write orders:admin", "900 seconds (15 minutes)", "No app"],
            row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
    }

    public static TheoryData<string, string, string, string, string, string> BadRegistrations() => new()
    {
        { "", "https://{0}.example.org/", "a", "300", "#api-name-error", "name of 1 to 100 characters" },
        { new string('n', 101), "https://{0}.example.org/", "a", "300", "#api-name-error", "name of 1 to 100 characters" },
        { "Orders", "http://{0}.example.org/", "a", "300", "#api-identifier-error", "absolute https:// URI" },
        { "Orders", "https://{0}.example.org/#part", "a", "300", "#api-identifier-error", "absolute https:// URI" },
        { "Orders", "api.example.org/{0}", "a", "300", "#api-identifier-error", "absolute https:// URI" },
        { "Orders", "https://{0}.example.org/", "openid", "300", "#api-scopes-error", "cannot be an API scope" },
        { "Orders", "https://{0}.example.org/", "say\"hi\"", "300", "#api-scopes-error", "cannot be an API scope" },
        { "Orders", "https://{0}.example.org/", "a a", "300", "#api-scopes-error", "listed more than once" },
        { "Orders", "https://{0}.example.org/" + new string('p', 2000), "a", "300", "#api-identifier-error", "at most 2000 characters" },
        { "Orders", "https://{0}.example.org/", string.Join('\n', Enumerable.Range(0, 51).Select(i => $"s{i}")), "300", "#api-scopes-error", "at most 50 scopes" },
        { "Orders", "https://{0}.example.org/", new string('s', 101), "300", "#api-scopes-error", "cannot be an API scope" },
        { "Orders", "https://{0}.example.org/", "a", "59", "#api-lifetime-error", "between 60 and 86400 seconds" },
        { "Orders", "https://{0}.example.org/", "a", "86401", "#api-lifetime-error", "between 60 and 86400 seconds" },
        { "Orders", "https://{0}.example.org/", "a", "five minutes", "#api-lifetime-error", "between 60 and 86400 seconds" },
        { "Orders", "https://{0}.example.org/", "a", "99999999999999", "#api-lifetime-error", "between 60 and 86400 seconds" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task BadInputIsRefusedBesideItsFieldKeepingWhatWasTypedAndRegistersNothing(
        string name, string identifierPattern, string scopes, string lifetime, string errorId, string expected)
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var identifier = string.Format(identifierPattern, Guid.NewGuid().ToString("N"));

        var refused = await admin.SubmitAsync("/apis", Form(name, identifier, scopes, lifetime), expect: HttpStatusCode.BadRequest);

        Assert.Contains(refused.Errors, e => e.Contains(expected));
        Assert.Contains(expected, refused.Document.QuerySelector(errorId)!.TextContent);
        Assert.Equal(name, Value(refused, "#api-name"));
        Assert.Equal(identifier, Value(refused, "#api-identifier"));
        Assert.Equal(scopes, refused.Document.QuerySelector("#api-scopes")!.TextContent);
        Assert.Equal(lifetime, Value(refused, "#api-lifetime"));
        Assert.Null(refused.Document.QuerySelector("code.secret"));
        Assert.False(await Server.QueryAsync(db => db.ApiResources.AnyAsync(a => a.Identifier == identifier)));
    }

    [Fact]
    public async Task AnIdentifierAnotherApiHasIsRefusedAndTheOtherApiIsUnchanged()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, first, _) = await RegisterAsync(admin);

        var refused = await admin.SubmitAsync("/apis", Form("Copy", first.Identifier, "copy:read"), expect: HttpStatusCode.BadRequest);

        Assert.Contains("Another API already has this identifier.", refused.Document.QuerySelector("#api-identifier-error")!.TextContent);
        Assert.Equal(1, await Server.QueryAsync(db => db.ApiResources.CountAsync(a => a.Identifier == first.Identifier)));
        Assert.Equal("Orders", (await StoredAsync(first.Identifier))!.Name);
    }

    [Fact]
    public async Task AnAdminEditsAnApiAndAScopeTakenFromItIsTakenFromEveryApp()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);
        var app = await NewAppAsync("Shop");
        await admin.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string>
        {
            ["AppId"] = app.ToString(), ["AccessScopes[0]"] = "orders:read", ["AccessScopes[1]"] = "orders:write",
        });

        var saved = await admin.SubmitAsync(path, path + "?handler=Save", Form("Orders v2", "https://ignored.example.org/", "orders:read\norders:export", "3600"));
        var stored = (await StoredAsync(api.Identifier))!;

        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Equal("Orders v2", stored.Name);
        Assert.Equal("orders:read orders:export", stored.Scopes);
        Assert.Equal(3600, stored.AccessTokenLifetimeSeconds);
        Assert.Equal(api.Identifier, stored.Identifier);
        Assert.Equal("orders:read", await AccessAsync(api.Id, app));
        var page = await admin.GetAsync(saved.Location!);
        Assert.Equal("The API was saved.", page.Notice);
        Assert.Equal("orders:read\norders:export", page.Document.QuerySelector("#api-scopes")!.TextContent);
    }

    [Fact]
    public async Task ARefusedEditKeepsWhatWasTypedAndChangesNothing()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);

        var refused = await admin.SubmitAsync(path, path + "?handler=Save", Form("", "", "orders:read openid", "10"), expect: HttpStatusCode.BadRequest);

        Assert.Contains("name of 1 to 100 characters", refused.Document.QuerySelector("#api-name-error")!.TextContent);
        Assert.Contains("\"openid\" cannot be an API scope", refused.Document.QuerySelector("#api-scopes-error")!.TextContent);
        Assert.Contains("between 60 and 86400 seconds", refused.Document.QuerySelector("#api-lifetime-error")!.TextContent);
        Assert.Equal("", Value(refused, "#api-name"));
        Assert.Equal("orders:read openid", refused.Document.QuerySelector("#api-scopes")!.TextContent);
        Assert.Equal("10", Value(refused, "#api-lifetime"));
        var stored = (await StoredAsync(api.Identifier))!;
        Assert.Equal(("Orders", "orders:read orders:write", 600), (stored.Name, stored.Scopes, stored.AccessTokenLifetimeSeconds));
    }

    [Fact]
    public async Task AnAdminGivesAnAppScopesChangesThemAndRemovesTheAppsAccess()
    {
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(browser);
        var app = await NewAppAsync("Shop " + Guid.NewGuid().ToString("N")[..6]);
        Assert.Contains(app.ToString(), (await browser.GetAsync(path)).Document.QuerySelector("#add-app")!.InnerHtml);

        var added = await browser.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string> { ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read" });
        Assert.Equal(HttpStatusCode.Redirect, added.Status);
        Assert.Equal("orders:read", await AccessAsync(api.Id, app));
        var page = await browser.GetAsync(path);
        Assert.DoesNotContain(app.ToString(), page.Document.QuerySelector("#add-app")?.InnerHtml ?? "");
        Assert.Contains("1 app", (await browser.GetAsync("/apis")).Document.QuerySelectorAll("tr").Single(r => r.TextContent.Contains(api.Identifier)).TextContent);

        await browser.SubmitAsync(path, path + "?handler=Allow", new Dictionary<string, string>
        {
            ["AppId"] = app.ToString(), ["AccessScopes[0]"] = "orders:write", ["AccessScopes[1]"] = "orders:read",
        });
        Assert.Equal("orders:read orders:write", await AccessAsync(api.Id, app));

        var removed = await browser.SubmitAsync(path, path + "?handler=Remove", new Dictionary<string, string> { ["AppId"] = app.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, removed.Status);
        Assert.Null(await AccessAsync(api.Id, app));
        Assert.Equal(3, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ApiUpdated && e.ActorId == admin.Id && e.Details!.Contains("Shop"))));
    }

    [Fact]
    public async Task GivingAnAppNoScopeOrOneTheApiDoesNotHaveIsRefusedKeepingTheChoiceAndChangesNothing()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);
        var app = await NewAppAsync("Shop");

        var none = await admin.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string> { ["AppId"] = app.ToString() }, expect: HttpStatusCode.BadRequest);
        var noApp = await admin.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string> { ["AccessScopes"] = "orders:read" }, expect: HttpStatusCode.BadRequest);
        var unknown = await admin.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string>
        {
            ["AppId"] = app.ToString(), ["AccessScopes[0]"] = "orders:read", ["AccessScopes[1]"] = "billing:read",
        }, expect: HttpStatusCode.BadRequest);

        Assert.Contains("Tick at least one scope", none.Document.QuerySelector("#add-scopes-error")!.TextContent);
        Assert.Equal(app.ToString(), Value(none, "#add-app option[selected]"));
        Assert.Contains("Choose an app.", noApp.Document.QuerySelector("#add-app-error")!.TextContent);
        Assert.True(noApp.Document.QuerySelector("input[name=AccessScopes][value='orders:read']")!.HasAttribute("checked"));
        Assert.Contains(unknown.Errors, e => e.Contains("\"billing:read\" is not one of this API's scopes"));
        Assert.Null(await AccessAsync(api.Id, app));
    }

    [Fact]
    public async Task AnAppThatIsNotThereOrManagesItsOwnUsersCannotBeGivenAnApiAndIsNotOffered()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);
        var ownUsers = await NewAppAsync("Wiki", DirectoryMode.OwnUsers);

        Assert.DoesNotContain(ownUsers.ToString(), (await admin.GetAsync(path)).Document.QuerySelector("#add-app")?.InnerHtml ?? "");
        foreach (var app in new[] { ownUsers, Guid.NewGuid() })
            await admin.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string> { ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read" },
                expect: HttpStatusCode.NotFound);

        Assert.False(await Server.QueryAsync(db => db.ApiResourceAccess.AnyAsync(a => a.ApiId == api.Id)));
    }

    [Fact]
    public async Task ANewIntrospectionSecretIsShownOnceUncachedAndReplacesTheOldOne()
    {
        var (_, browser) = await Server.SignedInAsync(Role.Admin);
        var (registered, api, path) = await RegisterAsync(browser);
        var first = registered.Document.QuerySelectorAll(".notice code.secret")[1].TextContent.Trim();

        using var response = await browser.Http.PostAsync(path + "?handler=NewSecret", new FormUrlEncodedContent(await WithTokenAsync(browser, path, [])));
        var html = await response.Content.ReadAsStringAsync();
        var second = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelector("#introspection-heading ~ .notice code.secret")!.TextContent.Trim();
        var stored = (await StoredAsync(api.Identifier))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        Assert.NotEqual(first, second);
        Assert.Equal(Roster.Kernel.Secrets.Hash(second), stored.SecretHash);
        var later = await browser.GetAsync(path);
        Assert.DoesNotContain(second, later.Text);
        Assert.DoesNotContain(first, later.Text);
        Assert.Null(later.Document.QuerySelector("code.secret"));
    }

    [Fact]
    public async Task DeletingAnApiNeedsItsNameTypedAndSaysWhatGoes()
    {
        var (admin, browser) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(browser, name: "Ledger");
        var app = await NewAppAsync("Books");
        await browser.SubmitAsync(path, path + "?handler=Add", new Dictionary<string, string> { ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read" });

        var page = await browser.GetAsync(path);
        var warning = page.Document.QuerySelector(".danger-zone")!.TextContent;
        Assert.Contains("1 app loses access to its scopes: Books.", warning);
        Assert.Contains("Access tokens already issued for it stay valid until they expire, at most 600 seconds (10 minutes) from now.", string.Join(' ', warning.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

        foreach (var typed in new[] { "", "ledger", "Ledger2" })
        {
            var refused = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = typed }, expect: HttpStatusCode.BadRequest);
            Assert.Contains("Type the API's name, Ledger, to delete it.", refused.Document.QuerySelector("#confirm-name-error")!.TextContent);
            Assert.Equal(typed, Value(refused, "#confirm-name"));
            Assert.NotNull(await StoredAsync(api.Identifier));
        }

        var deleted = await browser.SubmitAsync(path, path + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = " Ledger " });

        Assert.Equal("/apis?done=deleted", deleted.Location);
        Assert.Null(await StoredAsync(api.Identifier));
        Assert.Null(await AccessAsync(api.Id, app));
        Assert.Equal("The API was deleted.", (await browser.GetAsync(deleted.Location!)).Notice);
        Assert.Equal(1, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ApiDeleted && e.ActorId == admin.Id && e.Details!.Contains(api.Identifier))));
        await browser.GetAsync(path, HttpStatusCode.NotFound);
    }

    private static readonly string[] Handlers = ["Save", "NewSecret", "Add", "Allow", "Remove", "Delete"];

    public static TheoryData<string> Outsiders() => new("User", "UserManager", "MailManager", "AppOperator");

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task AnyoneButAnAdminIsRefusedEveryPageAndHandlerAndChangesNothing(string who)
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);
        var app = await NewAppAsync("Operated");
        var (user, browser) = await Server.SignedInAsync(who == "AppOperator" ? Role.User : Enum.Parse<Role>(who));
        if (who == "AppOperator")
            Assert.True(await Server.WithAsync(async services =>
                (await services.GetRequiredService<AppChanges>().SetOperatorsAsync(Actor.Operator, app, [user.UserName!])).Succeeded));
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Taken", ["Identifier"] = NewIdentifier(), ["Scopes"] = "x", ["AccessTokenLifetimeSeconds"] = "300",
            ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read", ["ConfirmName"] = "Orders",
        };

        await browser.GetAsync("/apis", HttpStatusCode.Forbidden);
        await browser.GetAsync(path, HttpStatusCode.Forbidden);
        Assert.DoesNotContain("href=\"/apis\"", (await browser.GetAsync("/account")).Document.QuerySelector("nav")!.OuterHtml);
        await browser.SubmitAsync("/account", "/apis", fields, expect: HttpStatusCode.Forbidden);
        foreach (var handler in Handlers)
            await browser.SubmitAsync("/account", $"{path}?handler={handler}", fields, expect: HttpStatusCode.Forbidden);

        var stored = (await StoredAsync(api.Identifier))!;
        Assert.Equal((api.Name, api.Scopes, api.AccessTokenLifetimeSeconds, api.SecretHash), (stored.Name, stored.Scopes, stored.AccessTokenLifetimeSeconds, stored.SecretHash));
        Assert.Null(await AccessAsync(api.Id, app));
        Assert.False(await Server.QueryAsync(db => db.ApiResources.AnyAsync(a => a.Identifier == fields["Identifier"])));
    }

    [Fact]
    public async Task AnAdminSeesTheApisLinkInTheMenu()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);

        Assert.NotNull((await admin.GetAsync("/account")).Document.QuerySelector("nav a[href='/apis']"));
    }

    [Fact]
    public async Task PostsWithoutAnAntiforgeryTokenAreRefusedAndChangeNothing()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, api, path) = await RegisterAsync(admin);
        var app = await NewAppAsync("Shop");
        var identifier = NewIdentifier();
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Forged", ["Identifier"] = identifier, ["Scopes"] = "x", ["AccessTokenLifetimeSeconds"] = "300",
            ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read", ["ConfirmName"] = "Orders",
        };

        await admin.SubmitAsync("/apis", fields, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);
        foreach (var handler in Handlers)
            await admin.SubmitAsync(path, $"{path}?handler={handler}", fields, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        var stored = (await StoredAsync(api.Identifier))!;
        Assert.Equal((api.Name, api.SecretHash), (stored.Name, stored.SecretHash));
        Assert.Null(await AccessAsync(api.Id, app));
        Assert.Null(await StoredAsync(identifier));
    }

    [Fact]
    public async Task ADeletedOrUnknownApiIsNotFoundOnEveryPageAndHandler()
    {
        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var (_, gone, gonePath) = await RegisterAsync(admin, name: "Gone");
        var (_, other, _) = await RegisterAsync(admin);
        var app = await NewAppAsync("Shop");
        await admin.SubmitAsync(gonePath, gonePath + "?handler=Delete", new Dictionary<string, string> { ["ConfirmName"] = "Gone" });
        var fields = new Dictionary<string, string>
        {
            ["Name"] = "Renamed", ["Scopes"] = "orders:read", ["AccessTokenLifetimeSeconds"] = "300",
            ["AppId"] = app.ToString(), ["AccessScopes"] = "orders:read", ["ConfirmName"] = "Gone",
        };

        foreach (var path in new[] { gonePath, $"/apis/{Guid.NewGuid()}" })
        {
            await admin.GetAsync(path, HttpStatusCode.NotFound);
            foreach (var handler in Handlers)
                await admin.SubmitAsync("/apis", $"{path}?handler={handler}", fields, expect: HttpStatusCode.NotFound);
        }

        Assert.Null(await StoredAsync(gone.Identifier));
        var untouched = (await StoredAsync(other.Identifier))!;
        Assert.Equal(("Orders", other.SecretHash), (untouched.Name, untouched.SecretHash));
        Assert.False(await Server.QueryAsync(db => db.ApiResourceAccess.AnyAsync(a => a.AppId == app)));
    }

    /// <summary>An input's value as the browser would send it back: an attribute left out is an empty field.</summary>
    private static string Value(Page page, string selector) => page.Document.QuerySelector(selector)!.GetAttribute("value") ?? "";

    private static async Task<Dictionary<string, string>> WithTokenAsync(FormClient browser, string formPath, Dictionary<string, string> fields)
    {
        var form = await browser.GetAsync(formPath);
        return new(fields) { ["__RequestVerificationToken"] = Value(form, "input[name=__RequestVerificationToken]") };
    }
}

public sealed class ApiPagesOnSqlite(SqliteRoster fixture) : ApiPagesTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ApiPagesOnPostgres(PostgresRoster fixture) : ApiPagesTests(fixture), IClassFixture<PostgresRoster>;
