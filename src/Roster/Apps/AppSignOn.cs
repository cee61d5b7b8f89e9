using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;
using Roster.Accounts;

namespace Roster.Apps;

/// <summary>An app's OpenID Connect settings; <see cref="ApiScopes"/> or <see cref="RequirePkce"/> null leaves that setting as it is.</summary>
public sealed record SignOnSettings(
    string? RedirectUris, string? PostLogoutRedirectUris, string? BackChannelLogoutUri, string? TokenSigningAlgorithm, IReadOnlyList<string>? ApiScopes = null,
    bool? RequirePkce = null);

/// <summary>
/// How an app signs people in: its OpenID Connect client settings (redirect URIs, back-channel logout URI,
/// signing algorithm, and the client secret; without a secret the app is a public client and must prove
/// itself with PKCE) and its LDAP service account. Secrets and passwords are shown once and kept only as
/// their SHA-256. Admins and the app's operators change these.
/// </summary>
public sealed class AppSignOn(RosterDb db, AppAccessPolicy access, AuditLog audit, ClientCache clients, TimeProvider clock)
{
    private const int MaxRedirectUris = 20;

    /// <summary>A fresh client id: 20 lower-case letters and digits, easy to paste into an app's settings.</summary>
    public static string NewClientId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20);

    /// <summary>A newline-joined list of URIs, as the app row keeps redirect and post-logout redirect URIs.</summary>
    public static IReadOnlyList<string> Lines(string joined) =>
        joined.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The app row's space-separated API scopes, as a list.</summary>
    public static IReadOnlyList<string> ApiScopeList(string joined) => joined.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>API scopes as a person types them: separated by spaces or new lines.</summary>
    public static IReadOnlyList<string> SplitApiScopes(string? text) =>
        (text ?? "").Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);

    public async Task<Result<App>> UpdateAsync(Actor actor, Guid id, SignOnSettings settings, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        var app = found.Value!;
        var errors = new List<Error>();
        var uris = UriList(settings.RedirectUris, "RedirectUris", "app.redirect_uri", "redirect URI", errors);
        var afterLogout = UriList(settings.PostLogoutRedirectUris, "PostLogoutRedirectUris", "app.post_logout_redirect_uri", "post-logout redirect URI", errors);
        var logout = UserRules.Clean(settings.BackChannelLogoutUri);
        var byAdmin = Permissions.IsAdmin(actor.Role);
        // An operator saving the form again leaves an admin's URI as the admin vouched for it.
        var kept = logout == (app.BackChannelLogoutUri ?? "") && !byAdmin;
        if (logout.Length > 0 && !kept)
            errors.AddRange(LogoutUriErrors(logout, uris, byAdmin));
        var algorithm = UserRules.Clean(settings.TokenSigningAlgorithm);
        if (!SigningAlgorithms.All.Contains(algorithm))
            errors.Add(new("app.signing_algorithm", "Choose RS256 or ES256 for the token signatures.", "TokenSigningAlgorithm"));
        var apiScopes = settings.ApiScopes ?? ApiScopeList(app.ApiScopes);
        errors.AddRange(ApiScopeErrors(apiScopes));
        if (errors.Count > 0)
            return Result<App>.Fail(errors);

        app.RedirectUris = string.Join('\n', uris);
        app.PostLogoutRedirectUris = string.Join('\n', afterLogout);
        app.BackChannelLogoutUri = logout.Length == 0 ? null : logout;
        app.BackChannelLogoutUriTrusted = logout.Length > 0 && (byAdmin || kept && app.BackChannelLogoutUriTrusted);
        app.TokenSigningAlgorithm = algorithm;
        app.ApiScopes = string.Join(' ', apiScopes);
        app.RequirePkce = settings.RequirePkce ?? app.RequirePkce;
        return await SaveAsync(actor, app, app.RequirePkce ? "sign-on settings (PKCE required)" : "sign-on settings", cancellationToken);
    }

    /// <summary>Replaces the client secret; the old one stops working at once. The new one is returned to be shown once.</summary>
    public async Task<Result<string>> NewSecretAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return Result<string>.Fail(found.Errors);
        var secret = Secrets.New();
        found.Value!.ClientSecretHash = Secrets.Hash(secret);
        var saved = await SaveAsync(actor, found.Value, "new client secret", cancellationToken);
        return saved.Succeeded ? Result<string>.Ok(secret) : Result<string>.Fail(saved.Errors);
    }

    /// <summary>
    /// Gives the app's LDAP service account a new password, replacing any old one at once; returned to be
    /// shown once. The account binds as <c>cn=&lt;client id&gt;,ou=apps,&lt;base DN&gt;</c> and sees the people allowed to use the app.
    /// </summary>
    public async Task<Result<string>> NewLdapPasswordAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return Result<string>.Fail(found.Errors);
        var password = Secrets.New();
        found.Value!.LdapPasswordHash = Secrets.Hash(password);
        var saved = await SaveAsync(actor, found.Value, "new LDAP service account password", cancellationToken);
        return saved.Succeeded ? Result<string>.Ok(password) : Result<string>.Fail(saved.Errors);
    }

    /// <summary>Removes the app's LDAP service account: its binds fail from now on.</summary>
    public async Task<Result<App>> RemoveLdapPasswordAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        found.Value!.LdapPasswordHash = null;
        return await SaveAsync(actor, found.Value, "LDAP service account removed", cancellationToken);
    }

    /// <summary>Makes the app a public client: no secret, PKCE required.</summary>
    public async Task<Result<App>> RemoveSecretAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        found.Value!.ClientSecretHash = null;
        return await SaveAsync(actor, found.Value, "client secret removed: public client", cancellationToken);
    }

    /// <summary>Whether <paramref name="secret"/> is the app's current client secret; compares hashes in constant time.</summary>
    public static bool SecretMatches(string? storedHash, string? secret) =>
        storedHash is { } stored && secret is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Secrets.Hash(secret)));

    private async Task<Result<App>> FindAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var app = await db.Apps.FindAsync([id], cancellationToken);
        if (app is null)
            return AppErrors.NotFound;
        return await access.MayConfigureAsync(actor, id, cancellationToken) ? Result<App>.Ok(app) : UserErrors.Forbidden;
    }

    private async Task<Result<App>> SaveAsync(Actor actor, App app, string what, CancellationToken cancellationToken)
    {
        app.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.AppUpdated, actor, details: $"{app.Name}: {what}");
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(app.ClientId);
        return Result<App>.Ok(app);
    }

    /// <summary>Exact URIs, one per line (or separated by spaces or commas), each a valid callback; problems are added to <paramref name="errors"/>.</summary>
    private static List<string> UriList(string? text, string field, string code, string what, List<Error> errors)
    {
        var uris = (text ?? "").Split(['\n', '\r', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (uris.Count > MaxRedirectUris)
            errors.Add(new(code, $"An app can have at most {MaxRedirectUris} of these.", field));
        errors.AddRange(uris.Where(u => !IsCallbackUri(u)).Select(u => new Error(code,
            $"\"{u}\" cannot be a {what}: use an absolute https:// address without a #fragment (http:// only for 127.0.0.1, [::1] or localhost), or a native app's own scheme in reverse-domain form such as com.example.app:/callback.", field)));
        return uris;
    }

    /// <summary>
    /// Roster POSTs to this URI from inside its own network, so it is a request-forgery risk (OutboundHttp).
    /// Admins may name any http(s) address; an app's operator only one at the origin of one of the app's
    /// redirect URIs, and never a loopback or private one. Nobody may name link-local or metadata addresses.
    /// Host names are checked again, as resolved, at every delivery.
    /// </summary>
    private static IEnumerable<Error> LogoutUriErrors(string logout, List<string> redirectUris, bool byAdmin)
    {
        Error Refused(string why) => new("app.backchannel_logout_uri", $"\"{logout}\" cannot be a back-channel logout URI: {why}", "BackChannelLogoutUri");
        if (logout.Length > 2000 || !Uri.TryCreate(logout, UriKind.Absolute, out var uri) || logout.Contains('#') ||
            uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            yield return Refused("use an absolute https:// (or http://) address without a #fragment.");
            yield break;
        }
        var kind = OutboundAddresses.ClassifyHost(uri.Host);
        if (kind == AddressKind.Forbidden)
            yield return Refused("its address is link-local, a cloud metadata service or otherwise reserved, and Roster never contacts it.");
        else if (kind == AddressKind.Private && !byAdmin)
            yield return Refused("it points at a loopback or private address, which only an admin may choose.");
        else if (!byAdmin && !redirectUris.Any(r => Uri.TryCreate(r, UriKind.Absolute, out var redirect) &&
            redirect.GetLeftPart(UriPartial.Authority) == uri.GetLeftPart(UriPartial.Authority)))
            yield return Refused("it must share its scheme, host and port with one of the app's redirect URIs; only an admin may choose another.");
    }

    /// <summary>
    /// What is wrong with a list of API scopes: each an RFC 6749 scope-token (printable ASCII, no spaces, '"' or '\'),
    /// listed once (scopes are case-sensitive, section 3.3), and few and short enough to be carried on every token.
    /// A refused scope is named clipped, so pasting something huge does not come back whole.
    /// </summary>
    private static IEnumerable<Error> ApiScopeErrors(IReadOnlyList<string> scopes)
    {
        const string code = "app.api_scope", field = "ApiScopes";
        if (scopes.Count > Scopes.MaxApiScopes)
            yield return new(code, $"An app can have at most {Scopes.MaxApiScopes} API scopes.", field);
        foreach (var scope in scopes.Where(s => !Scopes.IsApiScope(s)).Take(5))
            yield return new(code, $"\"{Clip(scope)}\" cannot be an API scope: use 1 to {Scopes.MaxApiScopeLength} printable ASCII characters without spaces, '\"' or '\\'.", field);
        foreach (var scope in scopes.Where(Scopes.IsApiScope).GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Take(5))
            yield return new(code, $"The API scope \"{scope.Key}\" is listed more than once.", field);
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, control characters shown as '?', so an error stays one short line.</summary>
    private static string Clip(string? text) =>
        new string((text ?? "").Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (text?.Length > 40 ? "…" : "");

    /// <summary>
    /// https; http only for the loopback addresses native apps listen on (RFC 8252 section 7.3); or a native app's
    /// private-use scheme in reverse-domain form (section 7.1, <see cref="RedirectUris.IsPrivateUseScheme"/>).
    /// Never a fragment (RFC 6749 section 3.1.2).
    /// </summary>
    private static bool IsCallbackUri(string value) =>
        value.Length <= 2000 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Fragment) && !value.Contains('#') &&
        !value.Any(char.IsControl) &&
        (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host == "localhost") ||
         value.IndexOf(':') is > 0 and var colon && RedirectUris.IsPrivateUseScheme(value[..colon]));
}
