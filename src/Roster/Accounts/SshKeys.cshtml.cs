using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Roster.Accounts;

/// <summary>/account/ssh-keys: a person's own SSH public keys; adding checks the key, removing asks first.</summary>
public sealed class SshKeysModel(CurrentActor current, SshKeys keys) : PageModel
{
    [BindProperty] public string PublicKey { get; set; } = "";
    [BindProperty] public Guid KeyId { get; set; }

    public List<SshKey> Keys { get; private set; } = [];

    /// <summary>The key whose removal is being confirmed (?remove=&lt;id&gt;), when it is one of the person's own.</summary>
    public SshKey? Confirming { get; private set; }
    public List<Error> Errors { get; } = [];
    public string? Notice { get; private set; }

    public static string NameOf(SshKey key) => key.Comment.Length > 0 ? key.Comment : key.Type;

    public async Task<IActionResult> OnGetAsync(Guid? remove, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
            return Forbid();
        Confirming = Keys.FirstOrDefault(k => k.Id == remove);
        Notice = done switch
        {
            "added" => "The key was added. Hosts that read Roster's directory accept it within a second.",
            "removed" => "The key was removed. Hosts that read Roster's directory no longer accept it.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        var result = await keys.AddAsync(actor, actor.User!.Id, PublicKey, cancellationToken);
        // A private key pasted by mistake is not sent back to the browser.
        if (SshPublicKeyLine.LooksPrivate(PublicKey))
            PublicKey = "";
        return await this.AnswerAsync(result, _ => Redirect("/account/ssh-keys?done=added"), Errors, () => LoadAsync(cancellationToken));
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        var result = await keys.RemoveAsync(actor, actor.User!.Id, KeyId, cancellationToken);
        return await this.AnswerAsync(result, _ => Redirect("/account/ssh-keys?done=removed"), Errors, () => LoadAsync(cancellationToken));
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var actor = await current.GetAsync();
        if (actor.User is not { } me)
            return false;
        var listed = await keys.ListAsync(actor, me.Id, cancellationToken);
        Keys = listed.Value ?? [];
        return listed.Succeeded;
    }
}
