using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Roster.Apps;
using Roster.Audit;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Oidc;

/// <summary>
/// Consent (OpenID Connect Core section 3.1.2.4): an app that requires it asks each person once per set of scopes,
/// prompt=consent asks anyway, a decline reaches the app as access_denied, and the person revokes it on their account.
/// Over HTTP on both databases.
/// </summary>
public abstract class ConsentTests(RosterFixture fixture)
{
    private RosterServer Server => fixture.Server;

    private static Dictionary<string, string?> With(string key, string? value) => new() { [key] = value };

    private Task RequireConsentAsync(RelyingParty app, bool required = true) => Server.WithAsync(async services =>
    {
        Assert.True((await services.GetRequiredService<AppGrantSettings>().SetConsentAsync(Actor.Operator, app.AppId, required)).Succeeded);
        return true;
    });

    /// <summary>The consent page the authorization request was sent to, and the fields its form posts.</summary>
    private static async Task<(string Path, Page Page, Dictionary<string, string> Fields)> ConsentPageAsync(FormClient browser, HttpResponseMessage asked)
    {
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var path = asked.Headers.Location!.OriginalString;
        Assert.StartsWith("/consent?", path);
        var page = await browser.GetAsync(path);
        var fields = page.Document.QuerySelectorAll("form input[type=hidden]:not([name=__RequestVerificationToken])")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value")!);
        return (path, page, fields);
    }

    /// <summary>Clicks <paramref name="handler"/> on the consent page and follows the way back to the authorization endpoint.</summary>
    private static async Task<HttpResponseMessage> DecideAsync(FormClient browser, string path, Dictionary<string, string> fields, string handler)
    {
        var decided = await browser.SubmitAsync(path, "/consent?handler=" + handler, fields, expect: HttpStatusCode.Redirect);
        Assert.StartsWith("/oidc/authorize?", decided.Location);
        return await browser.Http.GetAsync(decided.Location);
    }

    [Fact]
    public async Task AnAppThatRequiresConsentAsksOnceAndAgainOnlyForScopesNotYetAllowed()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (user, browser) = await Server.SignedInAsync(Role.User);

        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl(With("scope", "openid email")));
        var (path, page, fields) = await ConsentPageAsync(browser, asked);
        Assert.Contains("Allow Planner?", page.Text);
        Assert.Contains("Your email address", page.Text);
        Assert.DoesNotContain("Your name", page.Text);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));

        using var allowed = await DecideAsync(browser, path, fields, "Allow");
        Assert.True(app.Callback(allowed).ContainsKey("code"));
        Assert.Equal("openid email", await Server.QueryAsync(db => db.OidcConsents.Where(c => c.UserId == user.Id && c.AppId == app.AppId).Select(c => c.Scope).SingleAsync()));
        Assert.Equal(1, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AppConsentGiven && e.TargetId == user.Id)));

        // Remembered: the same and fewer scopes go straight through, silently too.
        using var again = await browser.Http.GetAsync(app.AuthorizeUrl(With("scope", "openid email")));
        Assert.True(app.Callback(again).ContainsKey("code"));
        using var silently = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["scope"] = "openid", ["prompt"] = "none" }));
        Assert.True(app.Callback(silently).ContainsKey("code"));

        // More than was allowed asks again, and allowing adds to what the app had.
        using var more = await browser.Http.GetAsync(app.AuthorizeUrl(With("scope", "openid email groups")));
        var (morePath, morePage, moreFields) = await ConsentPageAsync(browser, more);
        Assert.Contains("The names of your groups", morePage.Text);
        using var moreAllowed = await DecideAsync(browser, morePath, moreFields, "Allow");
        Assert.True(app.Callback(moreAllowed).ContainsKey("code"));
        Assert.Equal("openid email groups", await Server.QueryAsync(db => db.OidcConsents.Where(c => c.UserId == user.Id).Select(c => c.Scope).SingleAsync()));
    }

    [Fact]
    public async Task DecliningTellsTheAppAccessDeniedGrantsNothingAndRemembersNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl());
        var (path, _, fields) = await ConsentPageAsync(browser, asked);
        using var declined = await DecideAsync(browser, path, fields, "Decline");

        var callback = app.Callback(declined);
        Assert.Equal("access_denied", callback["error"]);
        Assert.Equal("state-123", callback["state"]);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcConsents.CountAsync(c => c.AppId == app.AppId)));
        // The decline answered one request: the next one asks again.
        using var next = await browser.Http.GetAsync(app.AuthorizeUrl());
        Assert.StartsWith("/consent?", next.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task FollowingTheConsentPagesWayBackWithoutAllowingAsksAgainInsteadOfGivingACode()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl());
        var (_, _, fields) = await ConsentPageAsync(browser, asked);
        using var skipped = await browser.Http.GetAsync(fields["ReturnUrl"]);

        Assert.StartsWith("/consent?", skipped.Headers.Location!.OriginalString);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task AScopeEditedInTheConsentLinkAllowsNothingTheAppAskedFor()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (user, browser) = await Server.SignedInAsync(Role.User);

        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl(With("scope", "openid email groups")));
        var (path, _, fields) = await ConsentPageAsync(browser, asked);
        fields["Scope"] = "openid";
        using var back = await DecideAsync(browser, path, fields, "Allow");

        // What was shown and allowed (openid) does not cover what the request asks: the person is asked again.
        Assert.StartsWith("/consent?Scope=openid%20email%20groups", back.Headers.Location!.OriginalString);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
        Assert.Equal("openid", await Server.QueryAsync(db => db.OidcConsents.Where(c => c.UserId == user.Id).Select(c => c.Scope).SingleAsync()));
    }

    [Fact]
    public async Task PromptConsentAsksEvenAnAppThatDoesNotRequireItAndSurvivesSigningInFirst()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Wiki");
        var user = await Server.CreateUserAsync("consent" + Guid.NewGuid().ToString("N")[..8], "a long test password");
        using var browser = Server.NewClient();

        using var toSignIn = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "login consent")));
        var signIn = toSignIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?ReturnUrl=", signIn);
        var returnUrl = QueryHelpers.ParseQuery(new Uri("http://x" + signIn).Query)["ReturnUrl"].ToString();
        Assert.Contains("prompt=consent", returnUrl);
        Assert.DoesNotContain("login", QueryHelpers.ParseQuery(new Uri("http://x" + returnUrl).Query)["prompt"].ToString());
        await browser.SignInAsync(user.UserName!, "a long test password", expect: HttpStatusCode.Redirect);

        using var asked = await browser.Http.GetAsync(returnUrl);
        var (path, page, fields) = await ConsentPageAsync(browser, asked);
        Assert.Contains("Allow Wiki?", page.Text);
        using var allowed = await DecideAsync(browser, path, fields, "Allow");
        Assert.True(app.Callback(allowed).ContainsKey("code"));

        // Remembered consent does not answer prompt=consent: the app asked to ask.
        using var askedAgain = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "consent")));
        Assert.StartsWith("/consent?", askedAgain.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PromptNoneForAnAppNotYetAllowedIsConsentRequired()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (_, browser) = await Server.SignedInAsync(Role.User);

        using var silent = await browser.Http.GetAsync(app.AuthorizeUrl(With("prompt", "none")));

        var callback = app.Callback(silent);
        Assert.Equal("consent_required", callback["error"]);
        Assert.Equal("state-123", callback["state"]);
    }

    [Fact]
    public async Task RevokingOnTheAccountPageForgetsTheConsentAndEndsTheAppsTokens()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl());
        var (path, _, fields) = await ConsentPageAsync(browser, asked);
        using var allowed = await DecideAsync(browser, path, fields, "Allow");
        var (status, tokens, _) = await app.RedeemAsync(app.Callback(allowed)["code"]);
        Assert.Equal(HttpStatusCode.OK, status);

        var listed = await browser.GetAsync("/account/apps");
        Assert.Contains("Planner", listed.Text);
        Assert.Contains("Your email address", listed.Text);
        var revoked = await browser.SubmitAsync("/account/apps", "/account/apps?handler=Revoke", new Dictionary<string, string> { ["appId"] = app.AppId.ToString() });

        Assert.Equal("/account/apps?revoked=Planner", revoked.Location);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcConsents.CountAsync(c => c.UserId == user.Id)));
        Assert.Equal(HttpStatusCode.BadRequest, (await app.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!)).Status);
        Assert.False(await app.IsActiveAsync(tokens.GetProperty("access_token").GetString()!));
        Assert.Equal(1, await Server.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AppConsentRevoked && e.TargetId == user.Id)));
        using var next = await browser.Http.GetAsync(app.AuthorizeUrl());
        Assert.StartsWith("/consent?", next.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnOfflineGrantIsListedOnTheAccountPageAndRevokingItEndsItsRefreshToken()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Sync");
        Assert.True(await Server.WithAsync(async services =>
            (await services.GetRequiredService<AppGrantSettings>().SetRefreshTokensAsync(Actor.Operator, app.AppId, new(OfflineAccess: true, AlwaysIssueRefreshTokens: false))).Succeeded));
        var (_, browser) = await Server.SignedInAsync(Role.User);
        using var response = await browser.Http.GetAsync(app.AuthorizeUrl(With("scope", "openid offline_access")));
        var (_, tokens, _) = await app.RedeemAsync(app.Callback(response)["code"]);
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var listed = await browser.GetAsync("/account/apps");
        Assert.Contains("Stays signed in while you are away (one device)", listed.Text);
        await browser.SubmitAsync("/account/apps", "/account/apps?handler=Revoke", new Dictionary<string, string> { ["appId"] = app.AppId.ToString() });

        Assert.Equal("invalid_grant", (await app.RefreshAsync(refreshToken)).Body.GetProperty("error").GetString());
        Assert.Contains("No app has asked", (await browser.GetAsync("/account/apps")).Text);
    }

    [Fact]
    public async Task NoOneRevokesAnAppForSomeoneElseOrOneTheyNeverAllowed()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (owner, ownerBrowser) = await Server.SignedInAsync(Role.User);
        using var asked = await ownerBrowser.Http.GetAsync(app.AuthorizeUrl());
        var (path, _, fields) = await ConsentPageAsync(ownerBrowser, asked);
        (await DecideAsync(ownerBrowser, path, fields, "Allow")).Dispose();
        var (_, admin) = await Server.SignedInAsync(Role.Admin);

        var refused = await admin.SubmitAsync("/account/apps", "/account/apps?handler=Revoke", new Dictionary<string, string> { ["appId"] = app.AppId.ToString() },
            expect: HttpStatusCode.NotFound);
        var withoutToken = await ownerBrowser.SubmitAsync("/account/apps", "/account/apps?handler=Revoke", new Dictionary<string, string> { ["appId"] = app.AppId.ToString() },
            withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.Status);
        Assert.Equal(1, await Server.QueryAsync(db => db.OidcConsents.CountAsync(c => c.UserId == owner.Id && c.AppId == app.AppId)));
    }

    [Fact]
    public async Task AConsentPostWithoutAntiforgeryAllowsNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (user, browser) = await Server.SignedInAsync(Role.User);
        using var asked = await browser.Http.GetAsync(app.AuthorizeUrl());
        var (path, _, fields) = await ConsentPageAsync(browser, asked);

        await browser.SubmitAsync(path, "/consent?handler=Allow", fields, withAntiforgeryToken: false, expect: HttpStatusCode.BadRequest);

        Assert.Equal(0, await Server.QueryAsync(db => db.OidcConsents.CountAsync(c => c.UserId == user.Id)));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/oidc/authorize?client_id=x")]
    [InlineData("/apps")]
    [InlineData("/oidc/authorize?client_id=no-such-app")]
    public async Task TheConsentPageLeadsNowhereButTheAuthorizationEndpointOfARegisteredApp(string returnUrl)
    {
        var (_, browser) = await Server.SignedInAsync(Role.User);

        var page = await browser.GetAsync("/consent?Scope=openid&ReturnUrl=" + Uri.EscapeDataString(returnUrl), expect: HttpStatusCode.Redirect);

        Assert.Equal("/", page.Location);
    }

    [Fact]
    public async Task OnlyAnAdminTurnsConsentOffAndTheAppsOperatorSeesTheSettingWithoutAForm()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Planner");
        await RequireConsentAsync(app);
        var (operatorUser, operatorBrowser) = await Server.SignedInAsync(Role.User);
        await Server.WithAsync(async services =>
            (await services.GetRequiredService<AppChanges>().SetOperatorsAsync(Actor.Operator, app.AppId, [operatorUser.UserName!])).Succeeded);

        var page = await operatorBrowser.GetAsync($"/app/{app.AppId}");
        Assert.Contains("Each person is asked", page.Text);
        Assert.Null(page.Document.QuerySelector("input[name=RequireConsent]"));
        await operatorBrowser.SubmitAsync($"/app/{app.AppId}", $"/app/{app.AppId}?handler=Consent", new Dictionary<string, string> { ["RequireConsent"] = "false" },
            expect: HttpStatusCode.Forbidden);
        Assert.True(await Server.QueryAsync(db => db.Apps.Where(a => a.Id == app.AppId).Select(a => a.RequireConsent).SingleAsync()));

        var (_, admin) = await Server.SignedInAsync(Role.Admin);
        var saved = await admin.SubmitAsync($"/app/{app.AppId}", $"/app/{app.AppId}?handler=Consent", new Dictionary<string, string> { ["RequireConsent"] = "false" });
        Assert.Equal($"/app/{app.AppId}?done=consent", saved.Location);
        Assert.False(await Server.QueryAsync(db => db.Apps.Where(a => a.Id == app.AppId).Select(a => a.RequireConsent).SingleAsync()));
        // The provider reads the new setting at once: the next sign-in asks no one.
        var (_, browser) = await Server.SignedInAsync(Role.User);
        using var signIn = await browser.Http.GetAsync(app.AuthorizeUrl());
        Assert.True(app.Callback(signIn).ContainsKey("code"));
    }
}

public sealed class ConsentTestsOnSqlite(SqliteRoster fixture) : ConsentTests(fixture), IClassFixture<SqliteRoster>;

public sealed class ConsentTestsOnPostgres(PostgresRoster fixture) : ConsentTests(fixture), IClassFixture<PostgresRoster>;
