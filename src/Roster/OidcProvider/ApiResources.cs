using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>An API's settings as an admin gives them: <paramref name="Identifier"/> is fixed once registered.</summary>
public sealed record ApiSettings(string? Name, string? Identifier, IReadOnlyList<string> Scopes, int AccessTokenLifetimeSeconds);

/// <summary>A newly registered API and its introspection secret, which exists in clear only here.</summary>
public sealed record RegisteredApi(ApiResource Api, string Secret);

/// <summary>
/// Registering APIs (RFC 8707 resources) and saying which apps may request which of their scopes. Only admins: a
/// scope on a token is what an API trusts, so who may have it is a platform decision, not an app operator's. The
/// API's introspection secret is shown once and kept as its SHA-256, like client secrets.
/// </summary>
public sealed class ApiResources(RosterDb db, AuditLog audit, ClientCache clients, TimeProvider clock)
{
    public const int MinLifetimeSeconds = 60;
    public const int MaxLifetimeSeconds = 86_400;
    public const int DefaultLifetimeSeconds = 300;

    public static readonly Error NotFound = Error.NotFound("not_found", "There is no such API.");
    private static readonly Error Forbidden = Error.Forbidden("forbidden", "Only an admin may register APIs or change who may use them.");

    public static IReadOnlyList<string> ScopeList(string joined) => joined.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Scopes as a person types them: separated by spaces, commas or new lines.</summary>
    public static IReadOnlyList<string> SplitScopes(string? text) =>
        (text ?? "").Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);

    public async Task<Result<ApiResource>> RegisterAsync(Actor actor, ApiSettings settings, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return Forbidden;
        var identifier = (settings.Identifier ?? "").Trim();
        var errors = SettingErrors(settings).ToList();
        if (!IsIdentifier(identifier))
            errors.Add(new("api.identifier", "The identifier must be an absolute https:// URI without a #fragment, at most 2000 characters, such as https://api.example.org/.", "Identifier"));
        else if (await db.ApiResources.AnyAsync(a => a.Identifier == identifier, cancellationToken))
            errors.Add(new("api.identifier_taken", "Another API already has this identifier.", "Identifier"));
        if (errors.Count > 0)
            return Result<ApiResource>.Fail(errors);
        var now = clock.GetUtcNow().UtcDateTime;
        var api = new ApiResource
        {
            Id = Guid.CreateVersion7(),
            Name = settings.Name!.Trim(),
            Identifier = identifier,
            Scopes = string.Join(' ', settings.Scopes),
            AccessTokenLifetimeSeconds = settings.AccessTokenLifetimeSeconds,
            ClientId = AppSignOn.NewClientId(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ApiResources.Add(api);
        audit.Record(AuditActions.ApiRegistered, actor, details: $"{api.Name} ({api.Identifier})");
        await db.SaveChangesAsync(cancellationToken);
        return Result<ApiResource>.Ok(api);
    }

    /// <summary>
    /// Registers the API and makes its introspection secret in one transaction, so no API is left without the secret
    /// the admin was to be shown; the secret is returned to be shown once.
    /// </summary>
    public async Task<Result<RegisteredApi>> RegisterWithSecretAsync(Actor actor, ApiSettings settings, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var registered = await RegisterAsync(actor, settings, cancellationToken);
        if (!registered.Succeeded)
            return Result<RegisteredApi>.Fail(registered.Errors);
        var secret = await NewSecretAsync(actor, registered.Value!.Id, cancellationToken);
        if (!secret.Succeeded)
            return Result<RegisteredApi>.Fail(secret.Errors);
        await transaction.CommitAsync(cancellationToken);
        return Result<RegisteredApi>.Ok(new RegisteredApi(registered.Value, secret.Value!));
    }

    /// <summary>Changes name, scopes and lifetime; a scope removed from the API is taken from every app allowed it, so their next token lacks it.</summary>
    public async Task<Result<ApiResource>> UpdateAsync(Actor actor, Guid id, ApiSettings settings, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        var errors = SettingErrors(settings).ToList();
        if (errors.Count > 0)
            return Result<ApiResource>.Fail(errors);
        var api = found.Value!;
        api.Name = settings.Name!.Trim();
        api.Scopes = string.Join(' ', settings.Scopes);
        api.AccessTokenLifetimeSeconds = settings.AccessTokenLifetimeSeconds;
        foreach (var access in await db.ApiResourceAccess.Where(a => a.ApiId == id).ToListAsync(cancellationToken))
            access.Scopes = string.Join(' ', settings.Scopes.Where(ScopeList(access.Scopes).Contains));
        return await SaveAsync(actor, api, "settings", cancellationToken);
    }

    /// <summary>Which of the API's scopes the app may request for it; none removes the app's access.</summary>
    public async Task<Result<ApiResource>> AllowAsync(Actor actor, Guid id, Guid appId, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        var api = found.Value!;
        if (await db.Apps.Where(a => a.Id == appId && a.DirectoryMode == DirectoryMode.UseRoster).Select(a => a.Name).SingleOrDefaultAsync(cancellationToken) is not { } appName)
            return AppErrors.NotFound;
        var defined = ScopeList(api.Scopes);
        if (scopes.FirstOrDefault(s => !defined.Contains(s, StringComparer.Ordinal)) is { } unknown)
            return new Error("api.scope_unknown", $"\"{Clip(unknown)}\" is not one of this API's scopes; add it to the API first.", "Scopes");
        var access = await db.ApiResourceAccess.FindAsync([id, appId], cancellationToken);
        if (scopes.Count == 0)
        {
            if (access is not null)
                db.ApiResourceAccess.Remove(access);
        }
        else
        {
            access ??= db.ApiResourceAccess.Add(new ApiResourceAccess { ApiId = id, AppId = appId }).Entity;
            access.Scopes = string.Join(' ', defined.Where(scopes.Contains));
        }
        return await SaveAsync(actor, api, scopes.Count == 0 ? $"{appName} may no longer use it" : $"{appName} may request {string.Join(' ', defined.Where(scopes.Contains))}", cancellationToken);
    }

    /// <summary>Replaces the API's introspection secret at once; the new one is returned to be shown once.</summary>
    public async Task<Result<string>> NewSecretAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return Result<string>.Fail(found.Errors);
        var secret = Secrets.New();
        found.Value!.SecretHash = Secrets.Hash(secret);
        var saved = await SaveAsync(actor, found.Value, "new introspection secret", cancellationToken);
        return saved.Succeeded ? Result<string>.Ok(secret) : Result<string>.Fail(saved.Errors);
    }

    /// <summary>Deletes the API: requests naming it become invalid_target, and its secret stops working.</summary>
    public async Task<Result<ApiResource>> DeleteAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        db.ApiResources.Remove(found.Value!);
        audit.Record(AuditActions.ApiDeleted, actor, details: $"{found.Value!.Name} ({found.Value.Identifier})");
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(found.Value.ClientId);
        return found;
    }

    private async Task<Result<ApiResource>> FindAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return Forbidden;
        return await db.ApiResources.FindAsync([id], cancellationToken) is { } api ? Result<ApiResource>.Ok(api) : NotFound;
    }

    private async Task<Result<ApiResource>> SaveAsync(Actor actor, ApiResource api, string what, CancellationToken cancellationToken)
    {
        api.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(AuditActions.ApiUpdated, actor, details: $"{api.Name}: {what}");
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(api.ClientId);
        return Result<ApiResource>.Ok(api);
    }

    private static IEnumerable<Error> SettingErrors(ApiSettings settings)
    {
        var name = (settings.Name ?? "").Trim();
        if (name.Length is 0 or > 100)
            yield return new("api.name", "Give the API a name of 1 to 100 characters.", "Name");
        if (settings.AccessTokenLifetimeSeconds is < MinLifetimeSeconds or > MaxLifetimeSeconds)
            yield return new("api.lifetime", $"The access-token lifetime must be between {MinLifetimeSeconds} and {MaxLifetimeSeconds} seconds.", "AccessTokenLifetimeSeconds");
        if (settings.Scopes.Count > Oidc.Scopes.MaxApiScopes)
            yield return new("api.scope", $"An API can have at most {Oidc.Scopes.MaxApiScopes} scopes.", "Scopes");
        foreach (var scope in settings.Scopes.Where(s => !Oidc.Scopes.IsApiScope(s) || Oidc.Scopes.Supported.Contains(s)).Take(5))
            yield return new("api.scope", $"\"{Clip(scope)}\" cannot be an API scope: use 1 to {Oidc.Scopes.MaxApiScopeLength} printable ASCII characters without spaces, '\"' or '\\', and none of OpenID Connect's own scopes.", "Scopes");
        foreach (var scope in settings.Scopes.GroupBy(s => s, StringComparer.Ordinal).Where(g => g.Count() > 1).Take(5))
            yield return new("api.scope", $"The scope \"{Clip(scope.Key)}\" is listed more than once.", "Scopes");
    }

    /// <summary>RFC 8707 section 2: an absolute URI without a fragment; https, as every API that validates tokens is reached over TLS.</summary>
    private static bool IsIdentifier(string value) =>
        value.Length is > 0 and <= 2000 && !value.Contains('#') && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static string Clip(string text) =>
        new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (text.Length > 40 ? "…" : "");
}
