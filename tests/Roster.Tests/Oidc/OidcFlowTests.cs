using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Tests.Infrastructure;
using Roster.Users;

namespace Roster.Tests.Oidc;

/// <summary>
/// The code flow and the token endpoint over HTTP, each refusal answered with the error the specs define
/// and nothing issued. Runs on both database providers.
/// </summary>
public abstract class OidcFlowTests(RosterFixture fixture)
{
    private const string Password = "a long test password";
    private RosterServer Server => fixture.Server;

    private async Task<(User User, FormClient Browser)> SignedInAsync() => await Server.SignedInAsync(Role.User);

    /// <summary>Grants of the app with a refresh token that still works.</summary>
    private Task<int> RefreshTokenCountAsync(RelyingParty app) =>
        Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId && g.RevokedAt == null && g.RefreshExpiresAt != null));

    [Fact]
    public async Task ASignedInPersonGetsACodeWithoutTypingAndItsTokensNameThem()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (user, browser) = await SignedInAsync();

        using var response = await browser.Http.GetAsync(app.AuthorizeUrl());
        var callback = app.Callback(response);
        Assert.Equal("state-123", callback["state"]);
        Assert.Equal(Server.BaseUrl, callback["iss"]);
        var (status, body, _) = await app.RedeemAsync(callback["code"]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        var id = new JsonWebToken(body.GetProperty("id_token").GetString());
        Assert.Equal(user.Id.ToString(), id.Subject);
        Assert.Equal(app.ClientId, id.Audiences.Single());
        Assert.Equal("nonce-456", id.GetClaim("nonce").Value);
        Assert.Equal(user.UserName, id.GetClaim("preferred_username").Value);
        Assert.Equal(user.Email, id.GetClaim("email").Value);
        Assert.Equal(HttpStatusCode.OK, await app.UserInfoStatusAsync(body.GetProperty("access_token").GetString()!));
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "app.sign-in" && e.TargetId == user.Id && e.Details == "Notes")));
    }

    [Fact]
    public async Task TheMailboxScopeReleasesThePersonsOwnMailboxAddressAndNothingWithoutIt()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (user, browser) = await SignedInAsync();
        var domain = "m" + Guid.NewGuid().ToString("N")[..8] + ".test";
        await Server.WithAsync(async services =>
        {
            Assert.True((await services.GetRequiredService<Roster.MailDirectory.MailDomains>().AddAsync(Actor.Operator, domain)).Succeeded);
            var mailboxes = services.GetRequiredService<Roster.MailDirectory.Mailboxes>();
            Assert.True((await mailboxes.CreateAsync(Actor.Operator, $"first@{domain}", user.UserName, null)).Succeeded);
            Assert.True((await mailboxes.CreateAsync(Actor.Operator, $"second@{domain}", user.UserName, null)).Succeeded);
            return true;
        });

        async Task<JsonWebToken> IdTokenAsync(string scope)
        {
            using var response = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["scope"] = scope }));
            var (_, body, _) = await app.RedeemAsync(app.Callback(response)["code"]);
            return new JsonWebToken(body.GetProperty("id_token").GetString());
        }

        Assert.Equal($"first@{domain}", (await IdTokenAsync("openid email mailbox")).GetClaim("mailbox").Value);
        Assert.False((await IdTokenAsync("openid email")).TryGetClaim("mailbox", out _));
    }

    [Fact]
    public async Task AReplayedCodeIsRefusedAndRevokesTheTokensItIssued()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var code = await app.CodeAsync(browser);
        var (_, first, _) = await app.RedeemAsync(code);
        var access = first.GetProperty("access_token").GetString()!;
        var refresh = first.GetProperty("refresh_token").GetString()!;

        var (status, replay, _) = await app.RedeemAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        Assert.False(replay.TryGetProperty("access_token", out _));
        Assert.False(await app.IsActiveAsync(access));
        Assert.False(await app.IsActiveAsync(refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await app.UserInfoStatusAsync(access));
        Assert.Equal("invalid_grant", (await app.RefreshAsync(refresh)).Body.GetProperty("error").GetString());
        Assert.True(await Server.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "app.grant-revoked" && e.Details == "Notes: an authorization code was used twice")));
    }

    [Fact]
    public async Task RefreshRotatesAndReusingAnOldRefreshTokenRevokesTheWholeFamily()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var (_, issued, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var first = issued.GetProperty("refresh_token").GetString()!;

        var (status, rotated, _) = await app.RefreshAsync(first);
        Assert.Equal(HttpStatusCode.OK, status);
        var second = rotated.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);
        Assert.True(await app.IsActiveAsync(second));

        var (reuseStatus, reuse, _) = await app.RefreshAsync(first);

        Assert.Equal(HttpStatusCode.BadRequest, reuseStatus);
        Assert.Equal("invalid_grant", reuse.GetProperty("error").GetString());
        Assert.False(await app.IsActiveAsync(second));
        Assert.False(await app.IsActiveAsync(rotated.GetProperty("access_token").GetString()!));
        Assert.Equal("invalid_grant", (await app.RefreshAsync(second)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ARefreshedAccessTokenNamesThePersonSessionAndSignInOfTheFirstAndANarrowedScopeLastsOneRefresh()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (user, browser) = await SignedInAsync();
        var (_, issued, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var first = new JsonWebToken(issued.GetProperty("access_token").GetString());

        var (status, narrowed, _) = await app.PostAsync("/oidc/token", new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = issued.GetProperty("refresh_token").GetString()!, ["scope"] = "openid email",
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, widened, _) = await app.RefreshAsync(narrowed.GetProperty("refresh_token").GetString()!);

        foreach (var (body, scope) in new[] { (narrowed, "openid email"), (widened, "openid profile email groups") })
        {
            var access = new JsonWebToken(body.GetProperty("access_token").GetString());
            Assert.Equal(user.Id.ToString(), access.Subject);
            foreach (var claim in new[] { "sid", "auth_time", "gid", "client_id" })
                Assert.Equal(first.GetClaim(claim).Value, access.GetClaim(claim).Value);
            Assert.Equal(scope, access.GetClaim("scope").Value);
            Assert.Equal(scope, body.GetProperty("scope").GetString());
        }
    }

    [Fact]
    public async Task TwoRefreshesWithOneTokenAtOnceSucceedOnce()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var (_, issued, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var token = issued.GetProperty("refresh_token").GetString()!;

        var answers = await Task.WhenAll(app.RefreshAsync(token), app.RefreshAsync(token));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal("invalid_grant", answers.Single(a => a.Status != HttpStatusCode.OK).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnAlteredRefreshTokenIsRefusedAndRevokesNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var (_, issued, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var token = issued.GetProperty("refresh_token").GetString()!;
        var middle = token.Length / 2;
        var altered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];

        var (status, body, _) = await app.RefreshAsync(altered);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, body.GetProperty("error").GetString()));
        Assert.False(await app.IsActiveAsync(altered));
        Assert.Equal(HttpStatusCode.OK, (await app.RefreshAsync(token)).Status);
    }

    [Fact]
    public async Task AnUnregisteredRedirectUriIsShownToThePersonAndNeverRedirectedTo()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();

        foreach (var wrong in new[] { "https://evil.example.org/callback", app.RedirectUri + "/more", app.RedirectUri.ToUpperInvariant() })
        {
            var page = await browser.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["redirect_uri"] = wrong }), expect: HttpStatusCode.BadRequest);
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Null(page.Location);
            Assert.Contains("not registered", page.Text);
        }
        var unknown = await browser.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["client_id"] = "nosuchclient" }), expect: HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Null(unknown.Location);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task AParameterGivenTwiceIsRefusedWhenRosterReadsItAndIgnoredWhenItDoesNot()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        // Roster does not read ui_locales, so RFC 6749 section 3.1 has it ignored, given twice or not.
        KeyValuePair<string, string>[] resources = [new("ui_locales", "de"), new("ui_locales", "fr")];
        var twoResources = string.Join('&', resources.Select(r => "ui_locales=" + Uri.EscapeDataString(r.Value)));

        using var unrecognized = await browser.Http.GetAsync(app.AuthorizeUrl() + "&" + twoResources);
        using var scopeTwice = await browser.Http.GetAsync(app.AuthorizeUrl() + "&scope=openid");
        var redirectTwice = await browser.GetAsync(app.AuthorizeUrl() + "&redirect_uri=" + Uri.EscapeDataString(app.RedirectUri), expect: HttpStatusCode.BadRequest);
        var (status, body, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" }, repeats: resources);
        var (grantTwice, grantTwiceBody, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" },
            repeats: [new("grant_type", "client_credentials")]);

        Assert.True(app.Callback(unrecognized).ContainsKey("code"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("access_token", out _));
        var refused = app.Callback(scopeTwice);
        Assert.Equal("invalid_request", refused["error"]);
        Assert.Contains("scope", refused["error_description"]);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (grantTwice, grantTwiceBody.GetProperty("error").GetString()));
        // Which of two redirect URIs would an error go to? Neither: the person is told, as for an unregistered one.
        Assert.Equal(HttpStatusCode.BadRequest, redirectTwice.Status);
        Assert.Null(redirectTwice.Location);
        Assert.Contains("more than once", redirectTwice.Text);
    }

    [Fact]
    public async Task APublicClientMustUsePkceAndAMissingOrWrongVerifierIssuesNothing()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Mobile", confidential: false);
        var (_, browser) = await SignedInAsync();

        using (var withoutChallenge = await browser.Http.GetAsync(app.AuthorizeUrl()))
            Assert.Equal("invalid_request", app.Callback(withoutChallenge)["error"]);
        using (var plain = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?>
            { ["code_challenge"] = new string('a', 43), ["code_challenge_method"] = "plain" })))
            Assert.Equal("invalid_request", app.Callback(plain)["error"]);

        var (verifier, challenge) = RelyingParty.NewPkce();
        var code = await app.CodeAsync(browser, challenge);
        var (missingStatus, missing, _) = await app.RedeemAsync(code);
        var (wrongStatus, wrong, _) = await app.RedeemAsync(code, RelyingParty.NewPkce().Verifier);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (missingStatus, missing.GetProperty("error").GetString()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (wrongStatus, wrong.GetProperty("error").GetString()));
        Assert.Equal(0, await RefreshTokenCountAsync(app));
        var (rightStatus, right, _) = await app.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, rightStatus);
        Assert.True(right.TryGetProperty("id_token", out _));
        // RFC 7662 section 2.1: introspection needs a caller that proves itself, which a public client cannot.
        var (introspectStatus, introspect, introspectResponse) = await app.PostAsync("/oidc/introspect", new() { ["token"] = right.GetProperty("access_token").GetString()! });
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (introspectStatus, introspect.GetProperty("error").GetString()));
        Assert.StartsWith("Basic", introspectResponse.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task APersonTheAccessRuleRefusesSeesNoAccessAndGetsNoCode()
    {
        Guid group;
        await using (var scope = Server.App.Services.CreateAsyncScope())
            group = (await scope.ServiceProvider.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..8], "")).Value!.Id;
        var app = await RelyingParty.RegisterAsync(Server, "Payroll", access: AppAccess.Groups, groups: [group]);
        var (_, browser) = await SignedInAsync();

        var page = await browser.GetAsync(app.AuthorizeUrl(), expect: HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Null(page.Location);
        Assert.Contains("No access to Payroll", page.Text);
        // The way back tells the app, as RFC 6749 section 4.1.2.1 has it, and carries no code.
        var back = page.Document.QuerySelectorAll("a").Single(a => a.TextContent == "Back to Payroll").GetAttribute("href")!;
        Assert.StartsWith(app.RedirectUri + "?error=access_denied&", back);
        Assert.Contains("state=state-123", back);
        Assert.DoesNotContain("code=", back);
        using var silent = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none" }));
        Assert.Equal("access_denied", app.Callback(silent)["error"]);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task ADisabledPersonCannotSignInToAnAppNorRedeemACodeIssuedBefore()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (user, browser) = await SignedInAsync();
        var code = await app.CodeAsync(browser);
        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserChanges>().SetEnabledAsync(Actor.Operator, user.Id, false)).Succeeded);

        var (status, body, _) = await app.RedeemAsync(code);
        using var again = await browser.Http.GetAsync(app.AuthorizeUrl());

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", again.Headers.Location!.OriginalString);
        var signIn = await Server.NewClient().SignInAsync(user.UserName!, Password);
        Assert.Contains("disabled", string.Join(" ", signIn.Errors));
    }

    [Fact]
    public async Task AnExpiredCodeIsRefused()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var code = await app.CodeAsync(browser);

        Server.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, body, _) = await app.RedeemAsync(code);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(0, await RefreshTokenCountAsync(app));
    }

    [Fact]
    public async Task AClientWithAWrongSecretIsRefusedAsInvalidClient()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var impostor = new RelyingParty(Server, app.AppId, app.ClientId, "not-the-secret", app.RedirectUri);
        var (_, browser) = await SignedInAsync();
        var code = await app.CodeAsync(browser);

        var (basicStatus, basic, basicResponse) = await impostor.RedeemAsync(code);
        var (postStatus, post, postResponse) = await impostor.PostAsync("/oidc/token",
            new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = app.RedirectUri }, basic: false);
        var (noneStatus, none, _) = await impostor.PostAsync("/oidc/token",
            new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = app.RedirectUri, ["client_id"] = app.ClientId }, basic: false);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (basicStatus, basic.GetProperty("error").GetString()));
        Assert.StartsWith("Basic", basicResponse.Headers.WwwAuthenticate.ToString());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (postStatus, post.GetProperty("error").GetString()));
        Assert.StartsWith("Basic", postResponse.Headers.WwwAuthenticate.ToString());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (noneStatus, none.GetProperty("error").GetString()));
        // The code was not spent by the impostor: the real client still redeems it.
        Assert.Equal(HttpStatusCode.OK, (await app.RedeemAsync(code)).Status);
    }

    [Fact]
    public async Task AFormTooLargeToReadIsAnInvalidRequestNotAServerError()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        // Past ASP.NET Core's limit of 1,024 form values, reading the form throws.
        var fields = Enumerable.Range(0, 1100).ToDictionary(i => $"x{i}", i => "y");
        fields["grant_type"] = "client_credentials";

        var (status, body, _) = await app.PostAsync("/oidc/token", fields);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task UnsupportedGrantAndResponseTypesAreRefusedWithTheirOwnErrors()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();

        var (status, body, _) = await app.PostAsync("/oidc/token", new() { ["grant_type"] = "pass\"wörd\\", ["username"] = "x", ["password"] = "y" });
        using var implicitFlow = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["response_type"] = "id_token token" }));
        using var noOpenId = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["scope"] = "profile" }));

        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"), (status, body.GetProperty("error").GetString()));
        // RFC 6749 section 5.2: error_description is printable ASCII without '"' and '\'.
        var description = body.GetProperty("error_description").GetString()!;
        Assert.Contains("pass'w?rd/", description);
        Assert.All(description, c => Assert.True(c is >= ' ' and <= '~' and not '"' and not '\\', $"'{c}' in {description}"));
        var refused = app.Callback(implicitFlow);
        Assert.Equal("unsupported_response_type", refused["error"]);
        Assert.Equal("state-123", refused["state"]);
        Assert.False(refused.ContainsKey("code"));
        Assert.Equal("invalid_scope", app.Callback(noOpenId)["error"]);
        Assert.Equal(0, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
    }

    [Fact]
    public async Task PromptAndMaxAgeDecideWhetherThePersonSignsInAgain()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        using var visitor = Server.NewClient();
        using (var silent = await visitor.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none" })))
            Assert.Equal("login_required", app.Callback(silent)["error"]);
        using (var anonymous = await visitor.Http.GetAsync(app.AuthorizeUrl()))
            Assert.StartsWith("/login?ReturnUrl=%2Foidc%2Fauthorize", anonymous.Headers.Location!.OriginalString);

        var (_, browser) = await SignedInAsync();
        using (var login = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "login" })))
        {
            var location = Uri.UnescapeDataString(login.Headers.Location!.OriginalString);
            Assert.StartsWith("/login?ReturnUrl=/oidc/authorize", location);
            Assert.DoesNotContain("prompt", location);
        }
        Server.Clock.Advance(TimeSpan.FromMinutes(10));
        using (var stale = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["max_age"] = "300" })))
            Assert.StartsWith("/login?ReturnUrl=", stale.Headers.Location!.OriginalString);
        using (var recent = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["max_age"] = "3600" })))
            Assert.True(app.Callback(recent).ContainsKey("code"));
        using (var huge = await browser.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["max_age"] = "9223372036854775807" })))
            Assert.True(app.Callback(huge).ContainsKey("code"));
    }

    [Fact]
    public async Task SigningOutFromAnAppReturnsToItsRegisteredAddressAsIsAndAnUnverifiableHintOnlyAsksFirst()
    {
        const string signedOutUri = "http://127.0.0.1:9/notes/signed-out";
        var app = await RelyingParty.RegisterAsync(Server, postLogoutRedirectUri: signedOutUri);
        var (_, browser) = await SignedInAsync();
        var (_, tokens, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var idToken = tokens.GetProperty("id_token").GetString()!;
        string LogoutUrl(string hint) => QueryHelpers.AddQueryString("/oidc/logout",
            new Dictionary<string, string?> { ["id_token_hint"] = hint, ["client_id"] = app.ClientId, ["post_logout_redirect_uri"] = signedOutUri });

        // A hint whose signature does not verify (as after its key retired): the person is asked, not refused.
        var altered = idToken[..^10] + (idToken[^10] == 'A' ? 'B' : 'A') + idToken[^9..];
        using (var unverifiable = await browser.Http.GetAsync(LogoutUrl(altered)))
            Assert.StartsWith("/logout?ReturnUrl=", unverifiable.Headers.Location!.OriginalString);

        // The person's own hint signs out at once; with no state, the address is exactly the registered one.
        using (var signedOut = await browser.Http.GetAsync(LogoutUrl(idToken)))
            Assert.Equal(signedOutUri, signedOut.Headers.Location!.OriginalString);
        Assert.False(await app.IsActiveAsync(tokens.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task AHintForSomeoneElseAndAPendingTwoFactorSetUpAreLoginRequiredWhenSilent()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, first) = await SignedInAsync();
        var (_, firstTokens, _) = await app.RedeemAsync(await app.CodeAsync(first));
        var hint = firstTokens.GetProperty("id_token").GetString();
        var (_, second) = await SignedInAsync();

        // Section 3.1.2.1: the app expects the first person; the second is signed in on this browser.
        using (var silent = await second.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none", ["id_token_hint"] = hint })))
            Assert.Equal("login_required", app.Callback(silent)["error"]);
        using (var asked = await second.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["id_token_hint"] = hint })))
        {
            var location = Uri.UnescapeDataString(asked.Headers.Location!.OriginalString);
            Assert.StartsWith("/login?ReturnUrl=/oidc/authorize", location);
            Assert.DoesNotContain("id_token_hint", location);
        }
        using (var own = await first.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none", ["id_token_hint"] = hint })))
            Assert.True(app.Callback(own).ContainsKey("code"));

        // Two-factor is required of a group; a member who has not set it up may only do that, and a silent
        // sign-in gets its error instead of the set-up page.
        const string password = "a long test password";
        var member = await Server.CreateUserAsync("enrol" + Guid.NewGuid().ToString("N")[..8], password, Role.User);
        await using (var scope = Server.App.Services.CreateAsyncScope())
        {
            var groups = scope.ServiceProvider.GetRequiredService<GroupChanges>();
            var group = (await groups.CreateAsync(Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..8], "")).Value!.Id;
            Assert.True((await groups.AddMembersAsync(Actor.Operator, group, [member.UserName!])).Succeeded);
            Assert.True((await scope.ServiceProvider.GetRequiredService<SecurityPolicy>().SetTwoFactorAsync(Actor.Operator, new TwoFactorPolicy(false, [group]), default)).Succeeded);
        }
        using var enrolling = Server.NewClient();
        Assert.Equal("/account/two-factor", (await enrolling.SignInAsync(member.UserName!, password)).Location);
        using (var silent = await enrolling.Http.GetAsync(app.AuthorizeUrl(new Dictionary<string, string?> { ["prompt"] = "none" })))
            Assert.Equal("login_required", app.Callback(silent)["error"]);
        using (var interactive = await enrolling.Http.GetAsync(app.AuthorizeUrl()))
            Assert.Equal("/account/two-factor", interactive.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task ClientCredentialsIssueATokenForTheAppAloneAndOnlyToConfidentialClients()
    {
        var machine = await RelyingParty.RegisterAsync(Server, "Backup");
        var mobile = await RelyingParty.RegisterAsync(Server, "Phone", confidential: false);

        var (status, body, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" });
        var (publicStatus, publicBody, _) = await mobile.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(machine.ClientId, access.Subject);
        Assert.Equal("at+jwt", access.Typ);
        Assert.True(await machine.IsActiveAsync(access.EncodedToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await machine.UserInfoStatusAsync(access.EncodedToken));
        Assert.Equal((HttpStatusCode.BadRequest, "unauthorized_client"), (publicStatus, publicBody.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task ClientCredentialsGrantExactlyTheListedApiScopesAskedForAndAllOfThemWhenNoneAreAsked()
    {
        var machine = await RelyingParty.RegisterAsync(Server, "Reports", apiScopes: ["reports:read", "reports:write", "audit"]);

        var (narrowStatus, narrow, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "audit reports:read" });
        var (allStatus, all, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" });

        Assert.Equal(HttpStatusCode.OK, narrowStatus);
        Assert.Equal("reports:read audit", narrow.GetProperty("scope").GetString());
        Assert.Equal("reports:read audit", new JsonWebToken(narrow.GetProperty("access_token").GetString()).GetClaim("scope").Value);
        Assert.Equal(HttpStatusCode.OK, allStatus);
        Assert.Equal("reports:read reports:write audit", all.GetProperty("scope").GetString());
        Assert.Equal("reports:read reports:write audit", new JsonWebToken(all.GetProperty("access_token").GetString()).GetClaim("scope").Value);
    }

    [Theory]
    [InlineData("reports:read admin")]
    [InlineData("openid")]
    [InlineData("Reports:read")]
    public async Task ClientCredentialsAskingForAnUnlistedScopeAreRefusedAndIssueNothing(string scope)
    {
        var machine = await RelyingParty.RegisterAsync(Server, "Reports", apiScopes: ["reports:read"]);

        var (status, body, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["scope"] = scope });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task AnAppWithNoApiScopesCannotGrantItselfAdminAndAsksForNothingToGetATokenWithoutScope()
    {
        var machine = await RelyingParty.RegisterAsync(Server, "Backup");

        var (status, body, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["scope"] = "admin write:all" });
        var (plainStatus, plain, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
        Assert.Contains("'admin'", body.GetProperty("error_description").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.Equal(HttpStatusCode.OK, plainStatus);
        Assert.False(plain.TryGetProperty("scope", out _));
        Assert.False(new JsonWebToken(plain.GetProperty("access_token").GetString()).TryGetClaim("scope", out _));
    }

    [Fact]
    public async Task AMegabyteScopeIsRefusedWithoutBeingEchoed()
    {
        var machine = await RelyingParty.RegisterAsync(Server, "Reports", apiScopes: ["reports:read"]);
        var huge = "reports:read " + new string('x', 1 << 20);

        var (status, body, _) = await machine.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials", ["scope"] = huge });

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (status, body.GetProperty("error").GetString()));
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.True(body.GetRawText().Length < 1000, "the refusal must not carry the scope back");
    }

    [Fact]
    public async Task RevokingARefreshTokenEndsItsGrantAndRevokingAnAccessTokenEndsThatToken()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var (_, browser) = await SignedInAsync();
        var (_, first, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var (_, second, _) = await app.RedeemAsync(await app.CodeAsync(browser));

        var revokeAccess = await app.PostAsync("/oidc/revoke", new() { ["token"] = first.GetProperty("access_token").GetString()!, ["token_type_hint"] = "access_token" });
        var revokeRefresh = await app.PostAsync("/oidc/revoke", new() { ["token"] = second.GetProperty("refresh_token").GetString()! });
        var revokeUnknown = await app.PostAsync("/oidc/revoke", new() { ["token"] = "nothing-roster-issued" });

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { revokeAccess.Status, revokeRefresh.Status, revokeUnknown.Status });
        Assert.False(await app.IsActiveAsync(first.GetProperty("access_token").GetString()!));
        Assert.True(await app.IsActiveAsync(first.GetProperty("refresh_token").GetString()!));
        Assert.False(await app.IsActiveAsync(second.GetProperty("access_token").GetString()!));
        Assert.Equal("invalid_grant", (await app.RefreshAsync(second.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnotherClientLearnsNothingAboutATokenNotIssuedToIt()
    {
        var app = await RelyingParty.RegisterAsync(Server);
        var other = await RelyingParty.RegisterAsync(Server, "Other");
        var (_, browser) = await SignedInAsync();
        var (_, issued, _) = await app.RedeemAsync(await app.CodeAsync(browser));

        Assert.False(await other.IsActiveAsync(issued.GetProperty("access_token").GetString()!));
        Assert.False(await other.IsActiveAsync(issued.GetProperty("refresh_token").GetString()!));
        await other.PostAsync("/oidc/revoke", new() { ["token"] = issued.GetProperty("refresh_token").GetString()! });
        Assert.True(await app.IsActiveAsync(issued.GetProperty("refresh_token").GetString()!));
        Assert.Equal("invalid_grant", (await other.RefreshAsync(issued.GetProperty("refresh_token").GetString()!)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task CleanupDeletesGrantsThatCanNoLongerBeUsedAndKeepsLiveOnes()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Tidy");
        var (_, browser) = await SignedInAsync();
        var (_, live, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        var (_, revoked, _) = await app.RedeemAsync(await app.CodeAsync(browser));
        await app.PostAsync("/oidc/revoke", new() { ["token"] = revoked.GetProperty("refresh_token").GetString()! });
        await app.CodeAsync(browser);

        Server.Clock.Advance(TimeSpan.FromMinutes(2));
        await Server.QueryAsync(async db =>
        {
            await Roster.OidcProvider.GrantCleanup.PurgeAsync(db, Server.Clock.GetUtcNow().UtcDateTime, CancellationToken.None);
            return true;
        });

        Assert.Equal(1, await Server.QueryAsync(db => db.OidcGrants.CountAsync(g => g.AppId == app.AppId)));
        Assert.Equal(HttpStatusCode.OK, (await app.RefreshAsync(live.GetProperty("refresh_token").GetString()!)).Status);
    }

    [Fact]
    public async Task ABrowserAppOnARegisteredOriginMayCallTheTokenEndpointAndNoOtherOriginMay()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Spa", confidential: false);
        var origin = new Uri(app.RedirectUri).GetLeftPart(UriPartial.Authority);
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };

        async Task<string?> AllowedOriginAsync(HttpMethod method, string path, string from)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Origin", from);
            if (method == HttpMethod.Options)
            {
                request.Headers.Add("Access-Control-Request-Method", "POST");
                request.Headers.Add("Access-Control-Request-Headers", "content-type");
            }
            else
                request.Content = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", "x"), new("client_id", app.ClientId)]);
            using var response = await http.SendAsync(request);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        Assert.Equal(origin, await AllowedOriginAsync(HttpMethod.Options, "/oidc/token", origin));
        Assert.Equal(origin, await AllowedOriginAsync(HttpMethod.Post, "/oidc/token", origin));
        Assert.Null(await AllowedOriginAsync(HttpMethod.Options, "/oidc/token", "https://evil.example.org"));
        Assert.Null(await AllowedOriginAsync(HttpMethod.Post, "/oidc/token", "http://127.0.0.1:10"));
        Assert.Null(await AllowedOriginAsync(HttpMethod.Post, "/login", origin));
    }

    [Fact]
    public async Task ANewClientSecretTakesEffectAtOnceAtTheTokenEndpoint()
    {
        var app = await RelyingParty.RegisterAsync(Server, "Rotating");
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" })).Status);

        string replacement;
        await using (var scope = Server.App.Services.CreateAsyncScope())
            replacement = (await scope.ServiceProvider.GetRequiredService<AppSignOn>().NewSecretAsync(Actor.Operator, app.AppId)).Value!;
        var renewed = new RelyingParty(Server, app.AppId, app.ClientId, replacement, app.RedirectUri);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await renewed.PostAsync("/oidc/token", new() { ["grant_type"] = "client_credentials" })).Status);
    }

    [Fact]
    public async Task ARefreshFollowsTheAccessRuleAsItIsNowAndAdminsAlwaysPass()
    {
        Guid group;
        await using (var scope = Server.App.Services.CreateAsyncScope())
            group = (await scope.ServiceProvider.GetRequiredService<GroupChanges>().CreateAsync(Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..8], "")).Value!.Id;
        var app = await RelyingParty.RegisterAsync(Server, "Ledger", access: AppAccess.Groups, groups: [group]);
        var (member, memberBrowser) = await SignedInAsync();
        var (_, adminBrowser) = await Server.SignedInAsync(Role.Admin);
        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<GroupChanges>().AddMembersAsync(Actor.Operator, group, [member.UserName!])).Succeeded);
        var (_, memberTokens, _) = await app.RedeemAsync(await app.CodeAsync(memberBrowser));
        var (_, adminTokens, _) = await app.RedeemAsync(await app.CodeAsync(adminBrowser));
        var (stillStatus, still, _) = await app.RefreshAsync(memberTokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, stillStatus);

        await using (var scope = Server.App.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<GroupChanges>().RemoveMembersAsync(Actor.Operator, group, [member.Id])).Succeeded);
        var (status, body, _) = await app.RefreshAsync(still.GetProperty("refresh_token").GetString()!);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await app.RefreshAsync(adminTokens.GetProperty("refresh_token").GetString()!)).Status);
    }
}

public sealed class SqliteOidcFlowTests(SqliteRoster fixture) : OidcFlowTests(fixture), IClassFixture<SqliteRoster>;

public sealed class PostgresOidcFlowTests(PostgresRoster fixture) : OidcFlowTests(fixture), IClassFixture<PostgresRoster>;
