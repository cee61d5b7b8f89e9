using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Groups;

public sealed record GroupDto(Guid Id, string Name, string Description, int Members);

public sealed record MemberDto(Guid Id, string? Username, string Name);

public sealed record GroupDetailDto(Guid Id, string Name, string Description, IReadOnlyList<MemberDto> Members);

public sealed record GroupRequest(string? Name = null, string? Description = null);

public sealed record MembersRequest(IReadOnlyList<string> Users);

/// <summary>/api/v1/groups: the same operations and rules as /groups.</summary>
public static class GroupsApi
{
    public static void MapGroupsApi(this IEndpointRouteBuilder endpoints)
    {
        var groups = endpoints.MapGroup("/api/v1/groups")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Groups");

        groups.MapGet("/", async (RosterDb db, CancellationToken cancellationToken) =>
            Results.Ok(await db.Groups.AsNoTracking().OrderBy(g => g.Name)
                .Select(g => new GroupDto(g.Id, g.Name, g.Description, db.GroupMembers.Count(m => m.GroupId == g.Id)))
                .ToListAsync(cancellationToken)))
            .WithName("ListGroups");

        groups.MapGet("/{id:guid}", async (Guid id, RosterDb db, CancellationToken cancellationToken) =>
            await DetailAsync(db, id, cancellationToken) is { } group ? Results.Ok(group)
                : ApiResults.Problem([GroupErrors.NotFound]))
            .WithName("GetGroup");

        groups.MapPost("/", async (GroupRequest request, CurrentActor current, GroupChanges changes, RosterDb db, CancellationToken cancellationToken) =>
            ApiResults.From(await changes.CreateAsync(await current.GetAsync(), request.Name, request.Description, cancellationToken),
                group => Results.Created($"/api/v1/groups/{group.Id}", new GroupDto(group.Id, group.Name, group.Description, 0))))
            .RequireAuthorization(Permissions.ManageUsers).WithName("CreateGroup");

        groups.MapPatch("/{id:guid}", async (Guid id, GroupRequest request, CurrentActor current, GroupChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var existing = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
            var result = await changes.UpdateAsync(await current.GetAsync(), id, request.Name ?? existing?.Name, request.Description ?? existing?.Description, cancellationToken);
            return result.Succeeded ? Results.Ok(await DetailAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).RequireAuthorization(Permissions.ManageUsers).WithName("UpdateGroup");

        groups.MapDelete("/{id:guid}", async (Guid id, CurrentActor current, GroupChanges changes, CancellationToken cancellationToken) =>
            ApiResults.From(await changes.DeleteAsync(await current.GetAsync(), id, cancellationToken: cancellationToken), _ => Results.NoContent()))
            .RequireAuthorization(Permissions.ManageUsers).WithName("DeleteGroup");

        groups.MapPost("/{id:guid}/members", async (Guid id, MembersRequest request, CurrentActor current, GroupChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.AddMembersAsync(await current.GetAsync(), id, request.Users ?? [], cancellationToken);
            return result.Succeeded ? Results.Ok(await DetailAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).RequireAuthorization(Permissions.ManageUsers).WithName("AddGroupMembers");

        groups.MapDelete("/{id:guid}/members/{userId:guid}", async (Guid id, Guid userId, CurrentActor current, GroupChanges changes, RosterDb db, CancellationToken cancellationToken) =>
        {
            var result = await changes.RemoveMembersAsync(await current.GetAsync(), id, [userId], cancellationToken);
            return result.Succeeded ? Results.Ok(await DetailAsync(db, id, cancellationToken)) : ApiResults.Problem(result.Errors);
        }).RequireAuthorization(Permissions.ManageUsers).WithName("RemoveGroupMember");
    }

    private static async Task<GroupDetailDto?> DetailAsync(RosterDb db, Guid id, CancellationToken cancellationToken)
    {
        var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null)
            return null;
        var members = await db.GroupMembers.Where(m => m.GroupId == id).Join(db.Users, m => m.UserId, u => u.Id, (_, u) => u)
            .OrderBy(u => u.Name).Select(u => new MemberDto(u.Id, u.UserName, u.Name)).ToListAsync(cancellationToken);
        return new GroupDetailDto(group.Id, group.Name, group.Description, members);
    }
}
