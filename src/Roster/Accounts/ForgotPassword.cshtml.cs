using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Roster.Mail;

namespace Roster.Accounts;

[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordReset reset, OutboxSignal outbox, IOptions<AccountOptions> options) : PageModel
{
    [BindProperty] public string Identifier { get; set; } = "";

    public bool Sent { get; private set; }
    public List<string> Errors { get; } = [];
    public string Lifetime => MailTemplates.Describe(options.Value.ResetLinkLifetime);

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Identifier))
        {
            Errors.Add("Enter the email or username of your account.");
            return Page();
        }
        await reset.RequestAsync(Identifier, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        // The account is looked for only after this answer has left, so nothing in the answer depends on it.
        Response.OnCompleted(() =>
        {
            outbox.Notify();
            return Task.CompletedTask;
        });
        Sent = true;
        return Page();
    }
}
