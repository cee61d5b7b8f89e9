using Microsoft.AspNetCore.Mvc;

namespace Roster.Apps;

// /app/<id>'s roles (AppRoles.cs): defined, given to groups and people, taken back and deleted here; markup in _AppRoles.cshtml.
public sealed partial class DetailModel
{
    [BindProperty] public string? RoleName { get; set; }
    [BindProperty] public string? RoleDescription { get; set; }
    [BindProperty] public Guid RoleId { get; set; }
    [BindProperty] public Guid HolderId { get; set; }
    [BindProperty] public string? HolderGroup { get; set; }
    [BindProperty] public string? HolderPerson { get; set; }
    [BindProperty] public bool ConfirmRoleDeletion { get; set; }

    public IReadOnlyList<RoleView> Roles { get; private set; } = [];

    public async Task<IActionResult> OnPostDefineRoleAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await roles.DefineAsync(await current.GetAsync(), id, RoleName, RoleDescription, cancellationToken), "role-defined", cancellationToken);

    public async Task<IActionResult> OnPostGiveRoleAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await roles.GiveAsync(await current.GetAsync(), id, RoleId, HolderGroup, HolderPerson, cancellationToken), "role-given", cancellationToken);

    public async Task<IActionResult> OnPostTakeRoleAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await roles.TakeAsync(await current.GetAsync(), id, RoleId, HolderId, cancellationToken), "role-taken", cancellationToken);

    /// <summary>Deleting takes the role from everyone holding it, so the form asks to confirm that first.</summary>
    public async Task<IActionResult> OnPostDeleteRoleAsync(Guid id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await roles.DeleteAsync(await current.GetAsync(), id, RoleId, ConfirmRoleDeletion, cancellationToken), "role-deleted", cancellationToken);
}
