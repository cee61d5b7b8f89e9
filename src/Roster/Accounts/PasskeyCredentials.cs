using System.Buffers.Text;
using Microsoft.AspNetCore.Identity;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>A person's passkeys: adding, renaming, removing and signing in with one, each audited here.</summary>
public sealed class PasskeyCredentials(UserManager<User> users, AuditLog audit, RosterDb db)
{
    public const int MaxNameLength = 100;

    public static readonly Error NotFound = Error.NotFound("passkey.not_found", "There is no such passkey.");

    /// <summary>One of the person's own passkeys, by the id the page shows; another person's id finds nothing.</summary>
    public async Task<Result<UserPasskeyInfo>> FindAsync(User me, string id) =>
        (await users.GetPasskeysAsync(me)).FirstOrDefault(p => IdOf(p) == id) is { } passkey
            ? Result<UserPasskeyInfo>.Ok(passkey) : NotFound;

    public static string IdOf(UserPasskeyInfo passkey) => Base64Url.EncodeToString(passkey.CredentialId);

    public static string NameOf(UserPasskeyInfo passkey) => string.IsNullOrWhiteSpace(passkey.Name) ? "Passkey" : passkey.Name;

    /// <summary>Too long or with hidden characters: refused with a reason, never cut to fit.</summary>
    public static Error? NameProblem(string? name) =>
        Clean(name) is not { } clean ? null
        : clean.Length > MaxNameLength ? new("passkey.name", $"A passkey name can have at most {MaxNameLength} characters; this one has {clean.Length}.", "PasskeyName")
        : UserRules.HasHiddenCharacters(clean) ? new("passkey.name", "A passkey name cannot contain control characters or invisible formatting characters.", "PasskeyName")
        : null;

    public static string? Clean(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    public async Task<Result<UserPasskeyInfo>> AddAsync(User me, UserPasskeyInfo passkey, string? name, CancellationToken cancellationToken)
    {
        if (NameProblem(name) is { } problem)
            return problem;
        passkey.Name = Clean(name) ?? "Passkey";
        var added = await users.AddOrUpdatePasskeyAsync(me, passkey);
        if (!added.Succeeded)
            return Result<UserPasskeyInfo>.Fail(added.Errors.Select(e => new Error(e.Code, e.Description)));
        audit.Record(AuditActions.PasskeyAdded, Actor.For(me), me, passkey.Name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<UserPasskeyInfo>.Ok(passkey);
    }

    public async Task<Result<UserPasskeyInfo>> RenameAsync(User me, UserPasskeyInfo passkey, string? name)
    {
        if (Clean(name) is not { } clean)
            return new Error("passkey.name", "Enter a name for the passkey.", "PasskeyName");
        if (NameProblem(clean) is { } problem)
            return problem;
        passkey.Name = clean;
        await users.AddOrUpdatePasskeyAsync(me, passkey);
        return Result<UserPasskeyInfo>.Ok(passkey);
    }

    public async Task RemoveAsync(User me, UserPasskeyInfo passkey, CancellationToken cancellationToken)
    {
        await users.RemovePasskeyAsync(me, passkey.CredentialId);
        audit.Record(AuditActions.PasskeyRemoved, Actor.For(me), me, NameOf(passkey));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A sign-in with a passkey: its new signature count is kept (a cloned authenticator shows), and the sign-in audited.</summary>
    public async Task SignedInAsync(User user, UserPasskeyInfo passkey, CancellationToken cancellationToken)
    {
        await users.AddOrUpdatePasskeyAsync(user, passkey);
        audit.Record(AuditActions.PasskeySignIn, Actor.For(user), user);
        await db.SaveChangesAsync(cancellationToken);
    }
}
