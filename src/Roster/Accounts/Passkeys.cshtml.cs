using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

/// <summary>/account/passkeys: add a passkey (WebAuthn, through ASP.NET Core Identity), rename or remove one.</summary>
public sealed class PasskeysModel(SignInManager<User> signIn, UserManager<User> users, PasskeyCredentials passkeys) : PageModel
{
    [BindProperty] public string CredentialJson { get; set; } = "";
    [BindProperty] public string PasskeyName { get; set; } = "";
    [BindProperty] public string PasskeyId { get; set; } = "";

    public IReadOnlyList<UserPasskeyInfo> Passkeys { get; private set; } = [];
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public static string IdOf(UserPasskeyInfo passkey) => PasskeyCredentials.IdOf(passkey);

    public static string NameOf(UserPasskeyInfo passkey) => PasskeyCredentials.NameOf(passkey);

    public async Task OnGetAsync(string? done)
    {
        await LoadAsync();
        Notice = done switch
        {
            "added" => "The passkey was added. You can now sign in with it instead of your password.",
            "renamed" => "The passkey was renamed.",
            "removed" => "The passkey was removed.",
            _ => null,
        };
    }

    /// <summary>The creation options for navigator.credentials.create(), as JSON; Identity keeps the challenge in a cookie.</summary>
    public async Task<IActionResult> OnPostOptionsAsync()
    {
        var me = await MeAsync();
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = me.Id.ToString(),
            Name = me.UserName ?? me.Email!,
            DisplayName = me.Name,
        });
        return Content(options, "application/json");
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        if (string.IsNullOrEmpty(CredentialJson))
            return await ShowAsync([new("passkey.none", "The browser sent no passkey. Adding one needs JavaScript and a passkey-capable browser or device.")]);
        if (PasskeyCredentials.NameProblem(PasskeyName) is { } problem)
            return await ShowAsync([problem]);
        var attestation = await signIn.PerformPasskeyAttestationAsync(CredentialJson);
        if (!attestation.Succeeded)
            return await ShowAsync([new("passkey.attestation", $"The passkey could not be added: {attestation.Failure?.Message}")]);
        var added = await passkeys.AddAsync(me, attestation.Passkey, PasskeyName, cancellationToken);
        return added.Succeeded ? Redirect("/account/passkeys?done=added") : await ShowAsync(added.Errors);
    }

    public async Task<IActionResult> OnPostRenameAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var found = await passkeys.FindAsync(me, PasskeyId);
        if (!found.Succeeded)
            return await ShowAsync(found.Errors);
        var renamed = await passkeys.RenameAsync(me, found.Value!, PasskeyName);
        return renamed.Succeeded ? Redirect("/account/passkeys?done=renamed") : await ShowAsync(renamed.Errors);
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var me = await MeAsync();
        var found = await passkeys.FindAsync(me, PasskeyId);
        if (!found.Succeeded)
            return await ShowAsync(found.Errors);
        await passkeys.RemoveAsync(me, found.Value!, cancellationToken);
        return Redirect("/account/passkeys?done=removed");
    }

    private async Task<PageResult> ShowAsync(IEnumerable<Error> errors)
    {
        Errors.AddRange(errors);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Passkeys = [.. await users.GetPasskeysAsync(await MeAsync())];

    private async Task<User> MeAsync() => await users.GetUserAsync(User) ?? throw new InvalidOperationException("The signed-in account no longer exists.");
}
