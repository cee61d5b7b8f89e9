using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Roster.Accounts;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// /device (RFC 8628 section 3.3): a signed-in person types the code their TV or command-line tool shows, sees
/// which app asks for what, and approves or denies. <c>?user_code=</c> (the verification_uri_complete) fills the
/// code in, but the person still presses Continue and then Approve: a link alone approves nothing (section 5.4).
/// </summary>
public sealed class DeviceModel(CurrentActor current, DeviceApprovals approvals) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user_code")] public string? UserCode { get; set; }

    /// <summary>The request the typed code found, awaiting Approve or Deny.</summary>
    public DeviceRequest? Found { get; private set; }
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public void OnGet(string? done) => Notice = done switch
    {
        "approved" => "Approved. Go back to your device: it finishes signing in within a few seconds.",
        "denied" => "Denied. The device was told no and is not signed in.",
        _ => null,
    };

    public async Task<IActionResult> OnPostFindAsync(CancellationToken cancellationToken)
    {
        if ((await current.GetAsync()).User is not { } me)
            return Forbid();
        var found = await approvals.FindAsync(me, Address, UserCode, cancellationToken);
        return await this.AnswerAsync(found, request => { Found = request; return Page(); }, Errors, () => Task.FromResult(true));
    }

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) => DecideAsync(approve: true, cancellationToken);

    public Task<IActionResult> OnPostDenyAsync(CancellationToken cancellationToken) => DecideAsync(approve: false, cancellationToken);

    private async Task<IActionResult> DecideAsync(bool approve, CancellationToken cancellationToken)
    {
        if ((await current.GetAsync()).User is not { } me || DashboardSessions.SessionOf(User) is not { } session)
            return Forbid();
        var decided = await approvals.DecideAsync(me, session, Address, UserCode, approve, cancellationToken);
        return await this.AnswerAsync(decided, _ => Redirect("/device?done=" + (approve ? "approved" : "denied")), Errors, () => Task.FromResult(true));
    }

    private string Address => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
