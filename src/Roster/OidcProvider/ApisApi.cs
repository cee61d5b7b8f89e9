using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Data;

namespace Roster.OidcProvider;

public sealed record ApiDto(Guid Id, string Name, string Identifier, IReadOnlyList<string> Scopes, int AccessTokenLifetimeSeconds, string ClientId, bool HasSecret,
    IReadOnlyDictionary<Guid, IReadOnlyList<string>> Apps);

public sealed record ApiRequest(string? Name = null, string? Identifier = null, IReadOnlyList<string>? Scopes = null, int? AccessTokenLifetimeSeconds = null);

public sealed record ApiAccessRequest(IReadOnlyList<string>? Scopes = null);

public sealed record ApiSecretDto(string ClientId, string ClientSecret);

public sealed record RefreshTokensRequest(bool OfflineAccess = false, bool AlwaysIssueRefreshTokens = false);

public sealed record ConsentRequest(bool RequireConsent);

public sealed record DeviceGrantRequest(bool AllowDeviceGrant);

/// <summary>/api/v1/apis: APIs as resources (RFC 8707), admins only, with the same service and messages as the command line.</summary>
public static class ApisApi
{
    public static void MapApisApi(this IEndpointRouteBuilder endpoints)
    {
        var apis = endpoints.MapGroup("/api/v1/apis")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .RequireAuthorization(Permissions.Administer)
            .WithTags("APIs");

        apis.MapGet("/", async (RosterDb db, CancellationToken cancellationToken) =>
        {
            var ids = await db.ApiResources.AsNoTracking().OrderBy(a => a.Name).Select(a => a.Id).ToListAsync(cancellationToken);
            var list = new List<ApiDto>();
            foreach (var id in ids)
                list.Add((await DtoAsync(db, id, cancellationToken))!);
            return Results.Ok(list);
        }).WithName("ListApis");

        apis.MapGet("/{id:guid}", async (Guid id, RosterDb db, CancellationToken cancellationToken) =>
            await DtoAsync(db, id, cancellationToken) is { } api ? Results.Ok(api) : ApiResults.Problem([ApiResources.NotFound]))
            .WithName("GetApi");

        // The introspection secret is made with the API and shown in this answer only.
        apis.MapPost("/", async (ApiRequest request, CurrentActor current, ApiResources changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.RegisterWithSecretAsync(await current.GetAsync(), new ApiSettings(request.Name, request.Identifier, request.Scopes ?? [],
                request.AccessTokenLifetimeSeconds ?? ApiResources.DefaultLifetimeSeconds), cancellationToken);
            if (!result.Succeeded)
                return ApiResults.Problem(result.Errors);
            return Results.Created($"/api/v1/apis/{result.Value!.Api.Id}", new { api = await DtoAsync(db, result.Value.Api.Id, cancellationToken), clientSecret = result.Value.Secret });
        }).WithName("RegisterApi");

        apis.MapPatch("/{id:guid}", async (Guid id, ApiRequest request, CurrentActor current, ApiResources changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            if (await DtoAsync(db, id, cancellationToken) is not { } existing)
                return ApiResults.Problem([ApiResources.NotFound]);
            if (request.Identifier is not null && request.Identifier != existing.Identifier)
                return ApiResults.Problem([new("api.identifier_fixed", "An API's identifier is fixed once registered: register a new API instead.", "Identifier")]);
            var result = await changes.UpdateAsync(await current.GetAsync(), id, new ApiSettings(request.Name ?? existing.Name, null, request.Scopes ?? existing.Scopes,
                request.AccessTokenLifetimeSeconds ?? existing.AccessTokenLifetimeSeconds), cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).WithName("UpdateApi");

        apis.MapPut("/{id:guid}/apps/{appId:guid}", async (Guid id, Guid appId, ApiAccessRequest request, CurrentActor current, ApiResources changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.AllowAsync(await current.GetAsync(), id, appId, request.Scopes ?? [], cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).WithName("SetApiAccess");

        apis.MapPost("/{id:guid}/client-secret", async (Guid id, CurrentActor current, ApiResources changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.NewSecretAsync(await current.GetAsync(), id, cancellationToken);
            return result.Succeeded ? Results.Ok(new ApiSecretDto((await DtoAsync(db, id, cancellationToken))!.ClientId, result.Value!)) : ApiResults.Problem(result.Errors);
        }).WithName("CreateApiSecret");

        apis.MapDelete("/{id:guid}", async (Guid id, CurrentActor current, ApiResources changes, CancellationToken cancellationToken) =>
            ApiResults.From(await changes.DeleteAsync(await current.GetAsync(), id, cancellationToken), _ => Results.NoContent()))
            .WithName("DeleteApi");

        endpoints.MapPut("/api/v1/apps/{id:guid}/refresh-tokens", async (Guid id, RefreshTokensRequest request, CurrentActor current, AppGrantSettings settings, CancellationToken cancellationToken) =>
            ApiResults.From(await settings.SetRefreshTokensAsync(await current.GetAsync(), id, new RefreshTokenSettings(request.OfflineAccess, request.AlwaysIssueRefreshTokens), cancellationToken),
                app => Results.Ok(new RefreshTokensRequest(app.OfflineAccess, app.AlwaysIssueRefreshTokens))))
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .RequireAuthorization(Permissions.Administer)
            .WithTags("Apps").WithName("SetAppRefreshTokens");

        endpoints.MapPut("/api/v1/apps/{id:guid}/consent", async (Guid id, ConsentRequest request, CurrentActor current, AppGrantSettings settings, CancellationToken cancellationToken) =>
            ApiResults.From(await settings.SetConsentAsync(await current.GetAsync(), id, request.RequireConsent, cancellationToken),
                app => Results.Ok(new ConsentRequest(app.RequireConsent))))
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .RequireAuthorization(Permissions.Administer)
            .WithTags("Apps").WithName("SetAppConsent");

        endpoints.MapPut("/api/v1/apps/{id:guid}/device-grant", async (Guid id, DeviceGrantRequest request, CurrentActor current, AppGrantSettings settings, CancellationToken cancellationToken) =>
            ApiResults.From(await settings.SetDeviceGrantAsync(await current.GetAsync(), id, request.AllowDeviceGrant, cancellationToken),
                app => Results.Ok(new DeviceGrantRequest(app.AllowDeviceGrant))))
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .RequireAuthorization(Permissions.Administer)
            .WithTags("Apps").WithName("SetAppDeviceGrant");
    }

    private static async Task<ApiDto?> DtoAsync(RosterDb db, Guid id, CancellationToken cancellationToken)
    {
        var api = await db.ApiResources.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (api is null)
            return null;
        var access = await db.ApiResourceAccess.AsNoTracking().Where(a => a.ApiId == id).ToListAsync(cancellationToken);
        return new ApiDto(api.Id, api.Name, api.Identifier, ApiResources.ScopeList(api.Scopes), api.AccessTokenLifetimeSeconds, api.ClientId, api.SecretHash is not null,
            access.ToDictionary(a => a.AppId, a => ApiResources.ScopeList(a.Scopes)));
    }
}
