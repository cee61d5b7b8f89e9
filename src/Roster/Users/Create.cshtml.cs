using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;

namespace Roster.Users;

[Authorize(Policy = Permissions.ManageUsers)]
[RequestSizeLimit(Avatars.MaxBytes * 2)]
public sealed class CreateModel(NewUsers newUsers, CurrentActor current) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Username { get; set; } = "";
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public Role Role { get; set; } = Role.User;
    [BindProperty] public bool Enabled { get; set; } = true;
    [BindProperty] public bool EmailVisible { get; set; } = true;
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";
    [BindProperty] public bool SendWelcome { get; set; }
    [BindProperty] public IFormFile? Avatar { get; set; }

    public IReadOnlyList<Role> Roles { get; private set; } = [];
    public List<Error> Errors { get; } = [];

    public async Task OnGetAsync() => Roles = Permissions.AssignableRoles(await current.GetAsync());

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        Roles = Permissions.AssignableRoles(actor);
        var avatar = await Avatars.ReadAsync(Avatar, cancellationToken);
        if (!avatar.Succeeded)
        {
            Errors.AddRange(avatar.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await newUsers.CreateAsync(actor, new NewUser(Email, Username, Name, Role, Enabled, Password, Confirm, EmailVisible, SendWelcome, avatar.Value), cancellationToken);
        return await this.AnswerAsync(result, user => Redirect($"/user/{user.Id}?done=created"), Errors, () => Task.FromResult(true));
    }
}
