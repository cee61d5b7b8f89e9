using Microsoft.AspNetCore.Authorization;
using Roster.Accounts;

namespace Roster.Apps;

public sealed record RoleRequest(string? Name, string? Description);

/// <summary>Who is to hold a role: a group (name or id) or a person (username, email or id); exactly one.</summary>
public sealed record RoleHolderRequest(string? Group, string? Person);

/// <summary>/api/v1/apps/{id}/roles: an app's roles and their holders, for admins and the app's operators (<see cref="AppRoles"/>).</summary>
public static class AppRolesApi
{
    public static void MapAppRolesApi(this IEndpointRouteBuilder endpoints)
    {
        var roles = endpoints.MapGroup("/api/v1/apps/{id:guid}/roles")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Apps");

        roles.MapGet("/", async (Guid id, CurrentActor current, AppRoles service, CancellationToken cancellationToken) =>
            ApiResults.From(await service.ListAsync(await current.GetAsync(), id, cancellationToken), list => Results.Ok(list)))
            .WithName("ListAppRoles");

        roles.MapPost("/", async (Guid id, RoleRequest request, CurrentActor current, AppRoles service, CancellationToken cancellationToken) =>
            await AnswerAsync(await service.DefineAsync(await current.GetAsync(), id, request.Name, request.Description, cancellationToken), id, current, service, cancellationToken))
            .WithName("DefineAppRole");

        roles.MapDelete("/{roleId:guid}", async (Guid id, Guid roleId, CurrentActor current, AppRoles service, CancellationToken cancellationToken) =>
            ApiResults.From(await service.DeleteAsync(await current.GetAsync(), id, roleId, confirmed: true, cancellationToken), _ => Results.NoContent()))
            .WithName("DeleteAppRole");

        roles.MapPost("/{roleId:guid}/holders", async (Guid id, Guid roleId, RoleHolderRequest request, CurrentActor current, AppRoles service, CancellationToken cancellationToken) =>
            await AnswerAsync(await service.GiveAsync(await current.GetAsync(), id, roleId, request.Group, request.Person, cancellationToken), id, current, service, cancellationToken))
            .WithName("GiveAppRole");

        roles.MapDelete("/{roleId:guid}/holders/{holderId:guid}", async (Guid id, Guid roleId, Guid holderId, CurrentActor current, AppRoles service, CancellationToken cancellationToken) =>
            await AnswerAsync(await service.TakeAsync(await current.GetAsync(), id, roleId, holderId, cancellationToken), id, current, service, cancellationToken))
            .WithName("TakeAppRole");
    }

    /// <summary>The role as it now is, with its holders; or the problem.</summary>
    private static async Task<IResult> AnswerAsync(Result<AppRole> result, Guid id, CurrentActor current, AppRoles service, CancellationToken cancellationToken)
    {
        if (!result.Succeeded)
            return ApiResults.Problem(result.Errors);
        var all = await service.ListAsync(await current.GetAsync(), id, cancellationToken);
        return Results.Ok(all.Value!.Single(r => r.Id == result.Value!.Id));
    }
}
