using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Apps;

public sealed record AppDto(
    Guid Id, string Name, string LaunchUrl, string Description, DirectoryMode DirectoryMode, AppAccess Access, IReadOnlyList<Guid> Groups, IReadOnlyList<Guid> Operators,
    string ClientId, bool PublicClient, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris, string? BackChannelLogoutUri, string TokenSigningAlgorithm,
    bool BackChannelLogoutUriTrusted, IReadOnlyList<string> ApiScopes, bool RequirePkce, bool RequireConsent, bool AllowDeviceGrant, bool OfflineAccess,
    bool AlwaysIssueRefreshTokens);

public sealed record LaunchableAppDto(Guid Id, string Name, string LaunchUrl, string Description);

public sealed record AppRequest(string? Name = null, string? LaunchUrl = null, string? Description = null, DirectoryMode? DirectoryMode = null, AppAccess? Access = null, IReadOnlyList<Guid>? Groups = null);

public sealed record OperatorsRequest(IReadOnlyList<string> Users);

public sealed record SignOnRequest(
    IReadOnlyList<string>? RedirectUris = null, IReadOnlyList<string>? PostLogoutRedirectUris = null, string? BackChannelLogoutUri = null, string? TokenSigningAlgorithm = null,
    IReadOnlyList<string>? ApiScopes = null, bool? RequirePkce = null);

public sealed record ClientSecretDto(string ClientId, string ClientSecret);

/// <summary>/api/v1/apps: registration and settings for admins and an app's operators; the caller's launchable apps for everyone.</summary>
public static class AppsApi
{
    public static void MapAppsApi(this IEndpointRouteBuilder endpoints)
    {
        var apps = endpoints.MapGroup("/api/v1/apps")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Apps");

        apps.MapGet("/", async (CurrentActor current, AppAccessPolicy access, CancellationToken cancellationToken) =>
            Results.Ok(await access.UsableBy((await current.GetAsync()).User!).AsNoTracking().OrderBy(a => a.Name)
                .Select(a => new LaunchableAppDto(a.Id, a.Name, a.LaunchUrl, a.Description)).ToListAsync(cancellationToken)))
            .WithName("ListMyApps");

        apps.MapGet("/{id:guid}", async (Guid id, CurrentActor current, AppAccessPolicy access, RosterDb db, CancellationToken cancellationToken) =>
        {
            if (!await db.Apps.AnyAsync(a => a.Id == id, cancellationToken))
                return ApiResults.Problem([AppErrors.NotFound]);
            return await access.MayConfigureAsync(await current.GetAsync(), id, cancellationToken)
                ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem([UserErrors.Forbidden]);
        }).WithName("GetApp");

        apps.MapPost("/", async (AppRequest request, CurrentActor current, AppChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var settings = new AppSettings(request.Name, request.LaunchUrl, request.Description, request.DirectoryMode ?? DirectoryMode.UseRoster,
                request.Access ?? AppAccess.Everyone, request.Groups ?? []);
            var result = await changes.RegisterAsync(await current.GetAsync(), settings, cancellationToken);
            return result.Succeeded ? Results.Created($"/api/v1/apps/{result.Value!.Id}", await DtoAsync(db, result.Value.Id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).RequireAuthorization(Permissions.Administer).WithName("RegisterApp");

        apps.MapPatch("/{id:guid}", async (Guid id, AppRequest request, CurrentActor current, AppChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var existing = await DtoAsync(db, id, cancellationToken);
            if (existing is null)
                return ApiResults.Problem([AppErrors.NotFound]);
            var settings = new AppSettings(request.Name ?? existing.Name, request.LaunchUrl ?? existing.LaunchUrl, request.Description ?? existing.Description,
                request.DirectoryMode ?? existing.DirectoryMode, request.Access ?? existing.Access, request.Groups ?? existing.Groups);
            var result = await changes.UpdateAsync(await current.GetAsync(), id, settings, cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).WithName("UpdateApp");

        apps.MapPut("/{id:guid}/operators", async (Guid id, OperatorsRequest request, CurrentActor current, AppChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.SetOperatorsAsync(await current.GetAsync(), id, request.Users ?? [], cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).RequireAuthorization(Permissions.Administer).WithName("SetAppOperators");

        apps.MapPut("/{id:guid}/sign-on", async (Guid id, SignOnRequest request, CurrentActor current, AppSignOn signOn, RosterDb db, CancellationToken cancellationToken) =>
        {
            var existing = await DtoAsync(db, id, cancellationToken);
            if (existing is null)
                return ApiResults.Problem([AppErrors.NotFound]);
            var settings = new SignOnSettings(string.Join('\n', request.RedirectUris ?? existing.RedirectUris),
                string.Join('\n', request.PostLogoutRedirectUris ?? existing.PostLogoutRedirectUris),
                request.BackChannelLogoutUri ?? existing.BackChannelLogoutUri, request.TokenSigningAlgorithm ?? existing.TokenSigningAlgorithm, request.ApiScopes,
                request.RequirePkce);
            var result = await signOn.UpdateAsync(await current.GetAsync(), id, settings, cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).WithName("SetAppSignOn");

        apps.MapPost("/{id:guid}/client-secret", async (Guid id, CurrentActor current, AppSignOn signOn, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await signOn.NewSecretAsync(await current.GetAsync(), id, cancellationToken);
            return result.Succeeded ? Results.Ok(new ClientSecretDto((await DtoAsync(db, id, cancellationToken))!.ClientId, result.Value!)) : ApiResults.Problem(result.Errors);
        }).WithName("CreateClientSecret");

        apps.MapDelete("/{id:guid}/client-secret", async (Guid id, CurrentActor current, AppSignOn signOn, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await signOn.RemoveSecretAsync(await current.GetAsync(), id, cancellationToken);
            return result.Succeeded ? Results.Ok(await DtoAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).WithName("RemoveClientSecret");

        apps.MapDelete("/{id:guid}", async (Guid id, CurrentActor current, AppChanges changes, CancellationToken cancellationToken) =>
            ApiResults.From(await changes.DeleteAsync(await current.GetAsync(), id, cancellationToken: cancellationToken), _ => Results.NoContent()))
            .RequireAuthorization(Permissions.Administer).WithName("DeleteApp");
    }

    private static async Task<AppDto?> DtoAsync(RosterDb db, Guid id, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (app is null)
            return null;
        var groups = await db.AppGroups.Where(a => a.AppId == id).Select(a => a.GroupId).ToListAsync(cancellationToken);
        var operators = await db.AppOperators.Where(o => o.AppId == id).Select(o => o.UserId).ToListAsync(cancellationToken);
        return new AppDto(app.Id, app.Name, app.LaunchUrl, app.Description, app.DirectoryMode, app.Access, groups, operators,
            app.ClientId, app.ClientSecretHash is null, AppSignOn.Lines(app.RedirectUris), AppSignOn.Lines(app.PostLogoutRedirectUris), app.BackChannelLogoutUri, app.TokenSigningAlgorithm,
            app.BackChannelLogoutUriTrusted, AppSignOn.ApiScopeList(app.ApiScopes), app.RequirePkce, app.RequireConsent, app.AllowDeviceGrant, app.OfflineAccess,
            app.AlwaysIssueRefreshTokens);
    }
}
