using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Mail;

namespace Roster.Users;

[Authorize(Policy = Permissions.ManageUsers)]
public sealed class InviteModel(NewUsers newUsers, CurrentActor current, IOptions<UserOptions> options) : PageModel
{
    [BindProperty] public string Email { get; set; } = "";
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string? Username { get; set; }
    [BindProperty] public Role Role { get; set; } = Role.User;
    [BindProperty] public bool Notify { get; set; } = true;

    public IReadOnlyList<Role> Roles { get; private set; } = [];
    public List<Error> Errors { get; } = [];
    public string Lifetime => MailTemplates.Describe(options.Value.InvitationLifetime);

    public async Task OnGetAsync() => Roles = Permissions.AssignableRoles(await current.GetAsync());

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        Roles = Permissions.AssignableRoles(actor);
        var result = await newUsers.InviteAsync(actor, new NewInvitation(Email, Name, Role, Username, Notify), cancellationToken);
        return await this.AnswerAsync(result, user => Redirect($"/user/{user.Id}?done={(Notify ? "invited" : "added")}"), Errors, () => Task.FromResult(true));
    }
}
