using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Roster.Mail;

namespace Roster.Accounts;

[AllowAnonymous]
public sealed class ForgotPasswordModel(PasswordReset reset, OutboxSignal outbox, IOptions<AccountOptions> options, TimeProvider clock) : PageModel
{
    /// <summary>
    /// The answer never comes sooner than this. The request does the same work for every name, yet a run of
    /// bench/run enumeration still found existing names answering about a millisecond sooner; under a floor
    /// several times the natural time, both answer alike.
    /// </summary>
    public static readonly TimeSpan AnswerFloor = TimeSpan.FromMilliseconds(40);

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
        var floor = Task.Delay(AnswerFloor, clock, cancellationToken);
        await reset.RequestAsync(Identifier, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        await floor;
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
