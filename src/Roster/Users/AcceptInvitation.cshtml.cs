using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Users;

/// <summary>Needs no session: the link itself is the credential.</summary>
[AllowAnonymous]
public sealed class AcceptInvitationModel(Invitations invitations) : PageModel
{
    private static readonly Error Unusable = new("invitation.unusable", "This invitation has expired, was already used or was withdrawn. Ask for a new one.");

    [BindProperty] public string? Username { get; set; }
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public string Confirm { get; set; } = "";

    public User? Invitee { get; private set; }
    public List<Error> Errors { get; } = [];

    public async Task OnGetAsync(string token, CancellationToken cancellationToken)
    {
        Invitee = await invitations.FindAsync(token, cancellationToken);
        if (Invitee is null)
            Errors.Add(Unusable);
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var result = await invitations.AcceptAsync(token, new InvitationAnswer(Username, Password, Confirm), cancellationToken);
        if (result.Succeeded)
            return Redirect("/login?done=invitation-accepted");
        Invitee = await invitations.FindAsync(token, cancellationToken);
        Errors.AddRange(result.Errors);
        return Page();
    }
}
