using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Roster.Tests.Infrastructure;

namespace Roster.Tests.Users;

/// <summary>
/// Every endpoint the app maps, found through the endpoint data source (so a new one cannot be left
/// out), against every role, checked against the matrix of PRODUCT.md section 1.
/// </summary>
public sealed class AuthorizationMatrixTests(SqliteRoster fixture) : IClassFixture<SqliteRoster>
{
    /// <summary>Who may use an endpoint, when the target account (if any) is a plain user.</summary>
    private enum Access
    {
        Anyone,

        /// <summary>Open to every role alike, guarded by a protocol credential of its own (401 without one).</summary>
        OwnCredentials,
        SignedIn,
        UserManager,

        /// <summary>Mail managers, admins and owners: a user manager is below a mail manager, but mail is not theirs.</summary>
        MailManager,
        Admin,
    }

    /// <summary>PRODUCT.md section 1, per endpoint. Keys are "METHOD /route" or "POST /route?handler=Name".</summary>
    private static readonly Dictionary<string, Access> Matrix = new()
    {
        ["GET /login"] = Access.Anyone,
        ["POST /login"] = Access.Anyone,
        ["GET /logout"] = Access.Anyone,
        ["POST /logout"] = Access.Anyone,
        ["GET /forgot-password"] = Access.Anyone,
        ["POST /forgot-password"] = Access.Anyone,
        ["GET /reset-password/{token}"] = Access.Anyone,
        ["POST /reset-password/{token}"] = Access.Anyone,
        ["GET /accept-invitation/{token}"] = Access.Anyone,
        ["POST /accept-invitation/{token}"] = Access.Anyone,
        ["GET /error/{code:int?}"] = Access.Anyone,
        ["GET /login/two-factor"] = Access.Anyone,
        ["POST /login?handler=PasskeyOptions"] = Access.Anyone,
        ["POST /login?handler=Passkey"] = Access.Anyone,
        ["POST /login/two-factor"] = Access.Anyone,
        ["GET /healthz"] = Access.Anyone,
        ["GET /api/{documentName}/openapi.json"] = Access.Anyone,
        ["GET /avatar/{id:guid}"] = Access.Anyone,
        ["GET /.well-known/openid-configuration"] = Access.Anyone,
        ["GET /oidc/jwks"] = Access.Anyone,
        ["GET /oidc/authorize"] = Access.Anyone,
        ["POST /oidc/authorize"] = Access.Anyone,
        ["GET /oidc/logout"] = Access.Anyone,
        ["POST /oidc/logout"] = Access.Anyone,
        // prompt=select_account: "Use another account" (the POST) signs out.
        ["GET /select-account"] = Access.SignedIn,
        ["POST /select-account"] = Access.SignedIn,
        ["GET /consent"] = Access.SignedIn,
        ["POST /consent?handler=Allow"] = Access.SignedIn,
        ["POST /consent?handler=Decline"] = Access.SignedIn,
        // These authenticate the app (client secret) or the bearer token, never the dashboard role.
        ["POST /oidc/token"] = Access.OwnCredentials,
        ["POST /oidc/revoke"] = Access.OwnCredentials,
        ["POST /oidc/introspect"] = Access.OwnCredentials,
        ["POST /oidc/device_authorization"] = Access.OwnCredentials,
        ["GET /oidc/userinfo"] = Access.OwnCredentials,
        ["POST /oidc/userinfo"] = Access.OwnCredentials,

        ["GET /"] = Access.SignedIn,
        ["GET /users"] = Access.SignedIn,
        ["GET /user/{id:guid}"] = Access.SignedIn,
        ["GET /confirm-email/{token}"] = Access.SignedIn,
        ["POST /confirm-email/{token}"] = Access.SignedIn,
        ["GET /account"] = Access.SignedIn,
        ["POST /account?handler=Profile"] = Access.SignedIn,
        ["POST /account?handler=Password"] = Access.SignedIn,
        ["POST /account?handler=CreateToken"] = Access.SignedIn,
        ["POST /account?handler=RevokeToken"] = Access.SignedIn,
        ["POST /account?handler=CreateAppPassword"] = Access.SignedIn,
        ["POST /account?handler=RevokeAppPassword"] = Access.SignedIn,
        ["POST /account?handler=EndSession"] = Access.SignedIn,
        ["GET /account/two-factor"] = Access.SignedIn,
        ["GET /account/apps"] = Access.SignedIn,
        ["POST /account/apps?handler=Revoke"] = Access.SignedIn,
        ["GET /account/passkeys"] = Access.SignedIn,
        ["POST /account/passkeys?handler=Options"] = Access.SignedIn,
        ["POST /account/passkeys?handler=Add"] = Access.SignedIn,
        ["POST /account/passkeys?handler=Rename"] = Access.SignedIn,
        ["POST /account/passkeys?handler=Remove"] = Access.SignedIn,
        ["POST /account/two-factor?handler=Start"] = Access.SignedIn,
        ["POST /account/two-factor?handler=Confirm"] = Access.SignedIn,
        ["POST /account/two-factor?handler=NewCodes"] = Access.SignedIn,
        ["POST /account/two-factor?handler=TurnOff"] = Access.SignedIn,
        ["GET /account/ssh-keys"] = Access.SignedIn,
        ["POST /account/ssh-keys?handler=Add"] = Access.SignedIn,
        ["POST /account/ssh-keys?handler=Remove"] = Access.SignedIn,
        ["GET /device"] = Access.SignedIn,
        ["POST /device?handler=Find"] = Access.SignedIn,
        ["POST /device?handler=Approve"] = Access.SignedIn,
        ["POST /device?handler=Deny"] = Access.SignedIn,
        ["GET /api/v1/users/"] = Access.SignedIn,
        ["GET /api/v1/users/{id:guid}"] = Access.SignedIn,
        ["GET /groups"] = Access.SignedIn,
        ["GET /group/{id:guid}"] = Access.SignedIn,
        ["GET /apps"] = Access.SignedIn,
        ["GET /app-icon/{id:guid}"] = Access.SignedIn,
        ["GET /api/v1/groups/"] = Access.SignedIn,
        ["GET /api/v1/groups/{id:guid}"] = Access.SignedIn,
        ["GET /api/v1/apps/"] = Access.SignedIn,

        ["GET /users/create"] = Access.UserManager,
        ["POST /users/create"] = Access.UserManager,
        ["GET /users/invite"] = Access.UserManager,
        ["POST /users/invite"] = Access.UserManager,
        ["GET /users/delete"] = Access.UserManager,
        ["POST /users/delete"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Profile"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Disable"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Enable"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Resend"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Revoke"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Delete"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=Unlock"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=RevokeAppPassword"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=DisableTwoFactor"] = Access.Admin,
        ["POST /user/{id:guid}?handler=TemporaryPassword"] = Access.Admin,
        ["POST /user/{id:guid}?handler=EndSessions"] = Access.Admin,
        ["GET /settings/security"] = Access.Admin,
        ["GET /users/import"] = Access.Admin,
        ["POST /users/import?handler=Preview"] = Access.Admin,
        ["POST /users/import?handler=Import"] = Access.Admin,
        ["POST /settings/security"] = Access.Admin,
        ["POST /settings/security?handler=Ldap"] = Access.Admin,
        ["POST /api/v1/users/"] = Access.UserManager,
        ["POST /api/v1/users/invitations"] = Access.UserManager,
        ["PATCH /api/v1/users/{id:guid}"] = Access.UserManager,
        ["POST /api/v1/users/{id:guid}/disable"] = Access.UserManager,
        ["POST /api/v1/users/{id:guid}/enable"] = Access.UserManager,
        ["DELETE /api/v1/users/{id:guid}"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=JoinGroup"] = Access.UserManager,
        ["POST /user/{id:guid}?handler=LeaveGroup"] = Access.UserManager,
        ["POST /groups"] = Access.UserManager,
        ["POST /group/{id:guid}?handler=Save"] = Access.UserManager,
        ["POST /group/{id:guid}?handler=Add"] = Access.UserManager,
        ["POST /group/{id:guid}?handler=Remove"] = Access.UserManager,
        ["POST /group/{id:guid}?handler=Delete"] = Access.UserManager,
        ["POST /api/v1/groups/"] = Access.UserManager,
        ["PATCH /api/v1/groups/{id:guid}"] = Access.UserManager,
        ["DELETE /api/v1/groups/{id:guid}"] = Access.UserManager,
        ["POST /api/v1/groups/{id:guid}/members"] = Access.UserManager,
        ["DELETE /api/v1/groups/{id:guid}/members/{userId:guid}"] = Access.UserManager,
        // Another person's SSH keys: user managers see and remove them; adding one is giving a credential (admins).
        ["GET /api/v1/users/{id:guid}/ssh-keys/"] = Access.UserManager,
        ["DELETE /api/v1/users/{id:guid}/ssh-keys/{keyId:guid}"] = Access.UserManager,
        ["POST /api/v1/users/{id:guid}/ssh-keys/"] = Access.Admin,

        ["POST /user/{id:guid}?handler=Role"] = Access.Admin,
        ["POST /user/{id:guid}?handler=ResetEmail"] = Access.Admin,
        ["POST /user/{id:guid}?handler=ResetLink"] = Access.Admin,
        ["POST /api/v1/users/{id:guid}/reset-link"] = Access.Admin,
        ["GET /audit"] = Access.Admin,
        ["GET /audit/export.csv"] = Access.Admin,
        ["GET /audit/export.json"] = Access.Admin,
        // The app in these rows has no operators; operators are covered by the groups-and-apps tests.
        ["POST /apps"] = Access.Admin,
        ["GET /app/{id:guid}"] = Access.Admin,
        ["POST /app/{id:guid}?handler=Save"] = Access.Admin,
        ["POST /app/{id:guid}?handler=Operators"] = Access.Admin,
        ["POST /app/{id:guid}?handler=Delete"] = Access.Admin,
        ["GET /api/v1/apps/{id:guid}"] = Access.Admin,
        ["POST /api/v1/apps/"] = Access.Admin,
        ["PATCH /api/v1/apps/{id:guid}"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/operators"] = Access.Admin,
        ["DELETE /api/v1/apps/{id:guid}"] = Access.Admin,
        ["POST /app/{id:guid}?handler=SignOn"] = Access.Admin,
        ["POST /app/{id:guid}?handler=Consent"] = Access.Admin,
        ["POST /app/{id:guid}?handler=DefineRole"] = Access.Admin,
        ["POST /app/{id:guid}?handler=GiveRole"] = Access.Admin,
        ["POST /app/{id:guid}?handler=TakeRole"] = Access.Admin,
        ["POST /app/{id:guid}?handler=DeleteRole"] = Access.Admin,
        ["POST /app/{id:guid}?handler=DeviceGrant"] = Access.Admin,
        ["POST /app/{id:guid}?handler=RefreshTokens"] = Access.Admin,
        ["POST /app/{id:guid}?handler=NewSecret"] = Access.Admin,
        ["POST /app/{id:guid}?handler=RemoveSecret"] = Access.Admin,
        ["POST /app/{id:guid}?handler=NewLdapPassword"] = Access.Admin,
        ["POST /app/{id:guid}?handler=RemoveLdapPassword"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/sign-on"] = Access.Admin,
        ["POST /api/v1/apps/{id:guid}/client-secret"] = Access.Admin,
        ["DELETE /api/v1/apps/{id:guid}/client-secret"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/refresh-tokens"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/consent"] = Access.Admin,
        // An app's operators too, but the app each row makes has none.
        ["GET /api/v1/apps/{id:guid}/roles/"] = Access.Admin,
        ["POST /api/v1/apps/{id:guid}/roles/"] = Access.Admin,
        ["DELETE /api/v1/apps/{id:guid}/roles/{roleId:guid}"] = Access.Admin,
        ["POST /api/v1/apps/{id:guid}/roles/{roleId:guid}/holders"] = Access.Admin,
        ["DELETE /api/v1/apps/{id:guid}/roles/{roleId:guid}/holders/{holderId:guid}"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/device-grant"] = Access.Admin,
        // SCIM provisioning: the app's other settings' rule (admins and this app's operators).
        ["GET /app/{id:guid}/scim"] = Access.Admin,
        ["POST /app/{id:guid}/scim?handler=Save"] = Access.Admin,
        ["POST /app/{id:guid}/scim?handler=Sync"] = Access.Admin,
        ["GET /api/v1/apps/{id:guid}/scim/"] = Access.Admin,
        ["PUT /api/v1/apps/{id:guid}/scim/"] = Access.Admin,
        ["POST /api/v1/apps/{id:guid}/scim/sync"] = Access.Admin,
        ["GET /api/v1/apis/"] = Access.Admin,
        ["GET /api/v1/apis/{id:guid}"] = Access.Admin,
        ["POST /api/v1/apis/"] = Access.Admin,
        ["PATCH /api/v1/apis/{id:guid}"] = Access.Admin,
        ["PUT /api/v1/apis/{id:guid}/apps/{appId:guid}"] = Access.Admin,
        ["POST /api/v1/apis/{id:guid}/client-secret"] = Access.Admin,
        ["DELETE /api/v1/apis/{id:guid}"] = Access.Admin,
        ["GET /apis"] = Access.Admin,
        ["POST /apis"] = Access.Admin,
        ["GET /apis/{id:guid}"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=Save"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=NewSecret"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=Add"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=Allow"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=Remove"] = Access.Admin,
        ["POST /apis/{id:guid}?handler=Delete"] = Access.Admin,

        ["GET /api/v1/mail/domains"] = Access.MailManager,
        ["POST /api/v1/mail/domains"] = Access.Admin,
        ["DELETE /api/v1/mail/domains/{id:guid}"] = Access.Admin,
        ["GET /api/v1/mail/mailboxes"] = Access.MailManager,
        ["GET /api/v1/mail/mailboxes/{id:guid}"] = Access.MailManager,
        ["POST /api/v1/mail/mailboxes"] = Access.MailManager,
        ["PATCH /api/v1/mail/mailboxes/{id:guid}"] = Access.MailManager,
        ["DELETE /api/v1/mail/mailboxes/{id:guid}"] = Access.MailManager,
        ["POST /api/v1/mail/mailboxes/{id:guid}/aliases"] = Access.MailManager,
        ["DELETE /api/v1/mail/mailboxes/{id:guid}/aliases/{address}"] = Access.MailManager,
        ["POST /api/v1/mail/mailboxes/{id:guid}/hand-over"] = Access.MailManager,
        ["GET /api/v1/mail/lists"] = Access.MailManager,
        ["GET /api/v1/mail/lists/{id:guid}"] = Access.MailManager,
        ["POST /api/v1/mail/lists"] = Access.MailManager,
        ["PATCH /api/v1/mail/lists/{id:guid}"] = Access.MailManager,
        ["DELETE /api/v1/mail/lists/{id:guid}"] = Access.MailManager,
        ["POST /api/v1/mail/lists/{id:guid}/members"] = Access.MailManager,
        ["DELETE /api/v1/mail/lists/{id:guid}/members/{memberId:guid}"] = Access.MailManager,
        ["GET /mail"] = Access.MailManager,
        ["POST /mail?handler=AddDomain"] = Access.Admin,
        ["POST /mail?handler=RemoveDomain"] = Access.Admin,
        ["POST /mail?handler=CreateMailbox"] = Access.MailManager,
        ["POST /mail?handler=CreateList"] = Access.MailManager,
        // The mailbox in these rows is a plain user's, so every mail role may change it; an admin's is in the mail page tests.
        ["GET /mail/mailbox/{id:guid}"] = Access.MailManager,
        ["POST /mail/mailbox/{id:guid}?handler=Save"] = Access.MailManager,
        ["POST /mail/mailbox/{id:guid}?handler=AddAlias"] = Access.MailManager,
        ["POST /mail/mailbox/{id:guid}?handler=RemoveAlias"] = Access.MailManager,
        ["POST /mail/mailbox/{id:guid}?handler=HandOver"] = Access.MailManager,
        ["POST /mail/mailbox/{id:guid}?handler=Delete"] = Access.MailManager,
        ["GET /mail/list/{id:guid}"] = Access.MailManager,
        ["POST /mail/list/{id:guid}?handler=Save"] = Access.MailManager,
        ["POST /mail/list/{id:guid}?handler=AddMembers"] = Access.MailManager,
        ["POST /mail/list/{id:guid}?handler=RemoveMember"] = Access.MailManager,
        ["POST /mail/list/{id:guid}?handler=Delete"] = Access.MailManager,
    };

    private static readonly Role?[] Roles = [null, Role.User, Role.UserManager, Role.MailManager, Role.Admin, Role.Owner];

    [Fact]
    public async Task EveryEndpointIsInTheMatrixAndTheMatrixNamesNoMissingEndpoint()
    {
        var endpoints = await DiscoverAsync();

        Assert.Empty(endpoints.Except(Matrix.Keys));
        Assert.Empty(Matrix.Keys.Except(endpoints));
    }

    public static TheoryData<string> Roleset() => new(Roles.Select(r => r?.ToString() ?? "anonymous"));

    [Theory]
    [MemberData(nameof(Roleset))]
    public async Task EachRoleReachesExactlyWhatTheMatrixAllows(string roleName)
    {
        var role = roleName == "anonymous" ? (Role?)null : Enum.Parse<Role>(roleName);
        var server = fixture.Server;
        FormClient browser;
        HttpClient api;
        if (role is { } r)
        {
            var (user, signedIn) = await server.SignedInAsync(r);
            browser = signedIn;
            api = await server.ApiClientAsync(user);
        }
        else
        {
            browser = server.NewClient();
            api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        }

        var wrong = new List<string>();
        // Signing out would end the session the later requests need, so it goes last; choosing another account signs out too,
        // and is refused to a visitor, so it goes just before.
        foreach (var endpoint in Matrix.Keys.OrderBy(e => e switch { "POST /logout" => 2, "POST /select-account" => 1, _ => 0 }).ThenBy(e => e, StringComparer.Ordinal))
        {
            var allowed = Allows(Matrix[endpoint], role);
            var status = await SendAsync(endpoint, browser, api);
            // A refusal is 401/403, or for a visitor the challenge: a redirect to the sign-in page.
            var challenged = status == HttpStatusCode.Redirect && lastLocation?.Contains("/login?ReturnUrl=", StringComparison.Ordinal) == true;
            var reached = Matrix[endpoint] == Access.OwnCredentials
                ? status is not HttpStatusCode.Forbidden && !challenged
                : status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !challenged;
            if (reached != allowed)
                wrong.Add($"{endpoint}: {(allowed ? "should be allowed" : "should be refused")} but answered {(int)status}");
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        browser.Dispose();
        api.Dispose();
    }

    private static bool Allows(Access access, Role? role) => access switch
    {
        Access.Anyone or Access.OwnCredentials => true,
        Access.SignedIn => role is not null,
        Access.UserManager => role >= Role.UserManager,
        Access.MailManager => role is Role.MailManager or >= Role.Admin,
        _ => role >= Role.Admin,
    };

    private string? lastLocation;

    private async Task<HttpStatusCode> SendAsync(string endpoint, FormClient browser, HttpClient api)
    {
        var server = fixture.Server;
        var method = endpoint[..endpoint.IndexOf(' ')];
        var target = await server.CreateUserAsync("target" + Guid.NewGuid().ToString("N")[..8], "a long test password");
        var route = endpoint[(method.Length + 1)..];
        // Each row acts on fresh things of its own: a plain user, a group, an API, an app open to everyone, the plain user's
        // mailbox, a mailing list.
        var id = route.StartsWith("/apis/", StringComparison.Ordinal) || route.StartsWith("/api/v1/apis/", StringComparison.Ordinal) ? await NewApiAsync()
            : route.StartsWith("/app", StringComparison.Ordinal) || route.StartsWith("/api/v1/apps", StringComparison.Ordinal) ? await NewAppAsync()
            : route.StartsWith("/group", StringComparison.Ordinal) || route.StartsWith("/api/v1/groups", StringComparison.Ordinal) ? await NewGroupAsync()
            : route.StartsWith("/mail/mailbox/", StringComparison.Ordinal) || route.StartsWith("/api/v1/mail/mailboxes/", StringComparison.Ordinal) ? await NewMailboxAsync(target)
            : route.StartsWith("/mail/list/", StringComparison.Ordinal) || route.StartsWith("/api/v1/mail/lists/", StringComparison.Ordinal) ? await NewListAsync()
            : target.Id;
        var path = route
            .Replace("{id:guid}", id.ToString())
            .Replace("{userId:guid}", target.Id.ToString())
            .Replace("{keyId:guid}", Guid.NewGuid().ToString())
            .Replace("{memberId:guid}", Guid.NewGuid().ToString())
            .Replace("{roleId:guid}", Guid.NewGuid().ToString())
            .Replace("{holderId:guid}", Guid.NewGuid().ToString())
            .Replace("{appId:guid}", Guid.NewGuid().ToString())
            .Replace("{address}", "nobody@example.org")
            .Replace("{token}", "not-a-real-token")
            .Replace("{documentName}", "v1")
            .Replace("{code:int?}", "404");
        lastLocation = null;
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method != "GET" && method != "DELETE")
                request.Content = JsonContent.Create(new { });
            using var response = await api.SendAsync(request);
            return response.StatusCode;
        }
        if (method == "GET")
        {
            using var response = await browser.Http.GetAsync(path);
            lastLocation = response.Headers.Location?.OriginalString;
            return response.StatusCode;
        }
        // A form post carries a valid antiforgery token, as the page's own form would.
        var tokenPage = await browser.GetAsync("/login");
        var token = tokenPage.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var post = await browser.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        lastLocation = post.Headers.Location?.OriginalString;
        return post.StatusCode;
    }

    private async Task<Guid> NewGroupAsync()
    {
        await using var scope = fixture.Server.App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<Roster.Groups.GroupChanges>()
            .CreateAsync(Roster.Kernel.Actor.Operator, "g" + Guid.NewGuid().ToString("N")[..10], "");
        return created.Value!.Id;
    }

    private const string MailDomain = "matrix.example.org";

    private async Task<Guid> NewMailboxAsync(User owner)
    {
        await EnsureMailDomainAsync();
        var created = await fixture.Server.WithAsync(services => services.GetRequiredService<Roster.MailDirectory.Mailboxes>()
            .CreateAsync(Roster.Kernel.Actor.Operator, $"mb{Guid.NewGuid():N}"[..12] + "@" + MailDomain, owner.UserName, null));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    private async Task<Guid> NewListAsync()
    {
        await EnsureMailDomainAsync();
        var created = await fixture.Server.WithAsync(services => services.GetRequiredService<Roster.MailDirectory.MailingLists>()
            .CreateAsync(Roster.Kernel.Actor.Operator, $"list{Guid.NewGuid():N}"[..12] + "@" + MailDomain, "", false));
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Message)));
        return created.Value!.Id;
    }

    /// <summary>The domain of the rows' addresses; the first row to need it adds it (the six role runs share one server).</summary>
    private async Task EnsureMailDomainAsync() =>
        await fixture.Server.WithAsync(async services =>
        {
            if (!(await services.GetRequiredService<Roster.MailDirectory.MailQueries>().DomainsAsync(default)).Any(d => d.Name == MailDomain))
                await services.GetRequiredService<Roster.MailDirectory.MailDomains>().AddAsync(Roster.Kernel.Actor.Operator, MailDomain);
            return true;
        });

    private async Task<Guid> NewApiAsync()
    {
        await using var scope = fixture.Server.App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<Roster.OidcProvider.ApiResources>().RegisterAsync(Roster.Kernel.Actor.Operator,
            new Roster.OidcProvider.ApiSettings("Api", $"https://api-{Guid.NewGuid():N}.example.org/", ["read"], 300));
        return created.Value!.Id;
    }

    private async Task<Guid> NewAppAsync()
    {
        await using var scope = fixture.Server.App.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<Roster.Apps.AppChanges>().RegisterAsync(Roster.Kernel.Actor.Operator,
            new Roster.Apps.AppSettings("App", "https://app.example.org", "", Roster.Apps.DirectoryMode.UseRoster, Roster.Apps.AppAccess.Everyone, []));
        return created.Value!.Id;
    }

    private async Task<HashSet<string>> DiscoverAsync()
    {
        var services = fixture.Server.App.Services;
        var loader = services.GetRequiredService<PageLoader>();
        var found = new HashSet<string>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                    found.Add($"{handler.HttpMethod.ToUpperInvariant()} {route}{(handler.Name is null ? "" : "?handler=" + handler.Name)}");
                if (compiled.HandlerMethods.Count == 0)
                    found.Add($"GET {route}");
            }
            else
                foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                    found.Add($"{method} {route}");
        }
        return found;
    }
}
