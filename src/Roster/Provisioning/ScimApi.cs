using Microsoft.AspNetCore.Authorization;
using Roster.Accounts;

namespace Roster.Provisioning;

/// <summary>The SCIM settings over the API; a token given is stored and never returned. Absent fields keep their value.</summary>
public sealed record ScimRequest(bool? Enabled = null, string? BaseUrl = null, string? Token = null, bool RemoveToken = false, Deprovisioning? Deprovision = null);

/// <summary>/api/v1/apps/{id}/scim: an app's SCIM settings and status, and "sync now", for admins and the app's operators.</summary>
public static class ScimApi
{
    public static void MapScimApi(this IEndpointRouteBuilder endpoints)
    {
        var scim = endpoints.MapGroup("/api/v1/apps/{id:guid}/scim")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Apps");

        scim.MapGet("/", async (Guid id, CurrentActor current, ScimSettings settings, CancellationToken cancellationToken) =>
            ApiResults.From(await settings.StatusAsync(await current.GetAsync(), id, cancellationToken), s => Results.Ok(s))).WithName("GetAppScim");

        scim.MapPut("/", async (Guid id, ScimRequest request, CurrentActor current, ScimSettings settings, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            var existing = await settings.StatusAsync(actor, id, cancellationToken);
            if (!existing.Succeeded)
                return ApiResults.Problem(existing.Errors);
            var now = existing.Value!;
            var wanted = new ScimSettingsRequest(request.Enabled ?? now.Enabled, request.BaseUrl ?? now.BaseUrl, request.Token, request.RemoveToken,
                request.Deprovision ?? now.Deprovision);
            return ApiResults.From(await settings.UpdateAsync(actor, id, wanted, cancellationToken), s => Results.Ok(s));
        }).WithName("SetAppScim");

        scim.MapPost("/sync", async (Guid id, CurrentActor current, ScimSettings settings, CancellationToken cancellationToken) =>
            ApiResults.From(await settings.SyncNowAsync(await current.GetAsync(), id, cancellationToken), status => Results.Accepted(value: status)))
            .WithName("SyncAppScim");
    }
}
