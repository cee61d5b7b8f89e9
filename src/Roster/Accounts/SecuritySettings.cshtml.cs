using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

/// <summary>/settings/security: who must use two-factor authentication, and whether they may bind over LDAP with their own password. Admins only.</summary>
[Authorize(Policy = Permissions.Administer)]
public sealed class SecuritySettingsModel(SecurityPolicy policy, IPolicyGroups groups, CurrentActor current) : PageModel
{
    [BindProperty] public bool RequiredForAdmins { get; set; }
    [BindProperty] public List<Guid> Groups { get; set; } = [];
    [BindProperty] public bool LdapAppPasswordsOnly { get; set; }

    public List<(Guid Id, string Name)> AllGroups { get; private set; } = [];
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        var current = await policy.TwoFactorAsync(cancellationToken);
        (RequiredForAdmins, Groups) = (current.RequiredForAdmins, [.. current.RequiredForGroups]);
        LdapAppPasswordsOnly = await policy.LdapAppPasswordsOnlyAsync(cancellationToken);
        await LoadAsync(cancellationToken);
        Notice = done switch
        {
            "saved" => "The policy was saved. It applies from each person's next sign-in.",
            "ldap" => "The LDAP setting was saved. It applies from the next bind.",
            _ => null,
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await policy.SetTwoFactorAsync(await current.GetAsync(), new TwoFactorPolicy(RequiredForAdmins, Groups), cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/settings/security?done=saved"), Errors, async () =>
        {
            // The other form's setting, as stored: only this form was posted.
            LdapAppPasswordsOnly = await policy.LdapAppPasswordsOnlyAsync(cancellationToken);
            return await LoadAsync(cancellationToken);
        });
    }

    public async Task<IActionResult> OnPostLdapAsync(CancellationToken cancellationToken)
    {
        var result = await policy.SetLdapAppPasswordsOnlyAsync(await current.GetAsync(), LdapAppPasswordsOnly, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/settings/security?done=ldap"), Errors, () => LoadAsync(cancellationToken));
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        AllGroups = [.. await groups.AllAsync(cancellationToken)];
        return true;
    }
}
