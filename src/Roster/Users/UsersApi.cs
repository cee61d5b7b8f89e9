using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.MailDirectory;
using Roster.Data;

namespace Roster.Users;

public sealed record UserDto(Guid Id, string? Username, string? Email, string Name, Role Role, UserStatus Status, bool EmailVisible, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary><c>total</c> and <c>pages</c> are null when a search matches too many people to count quickly; <c>hasMore</c> says whether a next page exists.</summary>
public sealed record UserListDto(IReadOnlyList<UserRow> Users, int Page, int PageSize, int? Total, int? Pages, bool HasMore);

public sealed record CreateUserRequest(string Email, string Username, string Name, string Password, Role Role = Role.User, bool Enabled = true, bool EmailVisible = true, bool SendWelcome = false);

public sealed record InviteUserRequest(string Email, string Name, Role Role = Role.User, string? Username = null, bool Notify = true);

/// <summary>Only the fields present change; all of them or none.</summary>
public sealed record PatchUserRequest(string? Name = null, string? Email = null, bool? EmailVisible = null, string? Username = null, Role? Role = null, bool? Enabled = null);

public sealed record ResetLinkRequest(bool Email = false);

public sealed record ResetLinkDto(string Link);

/// <summary>/api/v1/users: the same operations and rules as the pages, authenticated by personal API tokens.</summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/v1/users")
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthentication.SchemeName })
            .WithTags("Users");

        users.MapGet("/", async (CurrentActor current, UserList list, string? q, UserSort? sort, UserStatus? status, int? page, int? pageSize, CancellationToken cancellationToken) =>
        {
            var result = await list.QueryAsync(await current.GetAsync(), new UserQuery(q, sort ?? UserSort.Updated, status, page ?? 1, pageSize), cancellationToken);
            return Results.Ok(new UserListDto(result.Rows, result.Page, result.PageSize, result.Total, result.Pages, result.HasMore));
        }).WithName("ListUsers");

        users.MapGet("/{id:guid}", async (Guid id, CurrentActor current, RosterDb db, CancellationToken cancellationToken) =>
        {
            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
            return user is null ? ApiResults.Problem([UserErrors.NotFound]) : Results.Ok(ToDto(user, await current.GetAsync()));
        }).WithName("GetUser");

        users.MapPost("/", async (CreateUserRequest request, CurrentActor current, NewUsers newUsers, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            var result = await newUsers.CreateAsync(actor, new NewUser(request.Email, request.Username, request.Name, request.Role, request.Enabled,
                request.Password, request.Password, request.EmailVisible, request.SendWelcome), cancellationToken);
            return ApiResults.From(result, user => Results.Created($"/api/v1/users/{user.Id}", ToDto(user, actor)));
        }).RequireAuthorization(Permissions.ManageUsers).WithName("CreateUser");

        users.MapPost("/invitations", async (InviteUserRequest request, CurrentActor current, NewUsers newUsers, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            var result = await newUsers.InviteAsync(actor, new NewInvitation(request.Email, request.Name, request.Role, request.Username, request.Notify), cancellationToken);
            return ApiResults.From(result, user => Results.Created($"/api/v1/users/{user.Id}", ToDto(user, actor)));
        }).RequireAuthorization(Permissions.ManageUsers).WithName("InviteUser");

        users.MapPatch("/{id:guid}", async (Guid id, PatchUserRequest request, CurrentActor current, UserChanges changes, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            var result = await changes.PatchAsync(actor, id, new UserPatch(request.Name, request.Email, request.EmailVisible, request.Username, request.Role, request.Enabled), cancellationToken);
            return ApiResults.From(result, user => Results.Ok(ToDto(user, actor)));
        }).RequireAuthorization(Permissions.ManageUsers).WithName("UpdateUser");

        users.MapPost("/{id:guid}/disable", async (Guid id, CurrentActor current, UserChanges changes, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            return ApiResults.From(await changes.SetEnabledAsync(actor, id, false, cancellationToken), user => Results.Ok(ToDto(user, actor)));
        }).RequireAuthorization(Permissions.ManageUsers).WithName("DisableUser");

        users.MapPost("/{id:guid}/enable", async (Guid id, CurrentActor current, UserChanges changes, CancellationToken cancellationToken) =>
        {
            var actor = await current.GetAsync();
            return ApiResults.From(await changes.SetEnabledAsync(actor, id, true, cancellationToken), user => Results.Ok(ToDto(user, actor)));
        }).RequireAuthorization(Permissions.ManageUsers).WithName("EnableUser");

        // ?mailboxes=delete deletes the person's mailboxes with them; ?mailboxesTo=<person> hands them over.
        users.MapDelete("/{id:guid}", async (Guid id, string? mailboxes, string? mailboxesTo, CurrentActor current, UserChanges changes, CancellationToken cancellationToken) =>
        {
            if (mailboxes is not (null or "delete"))
                return ApiResults.Problem([new Error("mail.fate_invalid", "mailboxes can only be \"delete\"; to keep them, give mailboxesTo=<person> instead.", "mailboxes")]);
            var fate = mailboxesTo is not null ? new MailboxFate(mailboxesTo) : mailboxes is "delete" ? MailboxFate.Delete : null;
            return ApiResults.From(await changes.DeleteAsync(await current.GetAsync(), id, mailboxes: fate, cancellationToken: cancellationToken), _ => Results.NoContent());
        })
            .RequireAuthorization(Permissions.ManageUsers).WithName("DeleteUser");

        users.MapPost("/{id:guid}/reset-link", async (Guid id, [FromBody] ResetLinkRequest? request, CurrentActor current, PasswordReset reset, CancellationToken cancellationToken) =>
            ApiResults.From(await reset.IssueForAsync(await current.GetAsync(), id, request?.Email ?? false, cancellationToken), link => Results.Ok(new ResetLinkDto(link))))
            .RequireAuthorization(Permissions.Administer).WithName("CreateResetLink");
    }

    private static UserDto ToDto(User user, Actor viewer) => new(
        user.Id, user.UserName,
        user.EmailVisible || viewer.IsSelf(user) || Permissions.MayManageUsers(viewer.Role) ? user.Email : null,
        user.Name, user.Role,
        user.InvitationPending ? UserStatus.Invited : user.Enabled ? UserStatus.Enabled : UserStatus.Disabled,
        user.EmailVisible, user.CreatedAt, user.UpdatedAt);
}
