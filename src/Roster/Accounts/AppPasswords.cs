using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>
/// App passwords (as Cloudron and Authentik have them): a person creates named passwords on /account for
/// programs that sign in over LDAP and cannot ask for a second factor. They work for LDAP binds as the person
/// (through <see cref="PasswordSignIn.CheckBindAsync"/>) and nowhere else: not the dashboard, not OpenID
/// Connect, not the API. Each is revocable on its own, by its person and by those who manage them.
/// </summary>
public sealed class AppPasswords(RosterDb db, IAppPasswordApps apps, SecurityPolicy policy, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 64;
    public const int MaxPerPerson = 50;

    // Lower-case letters and digits without l, o, 0 and 1, which are easy to mistake on a phone's keyboard: 32
    // symbols, 5 bits each, so 30 of them are 150 random bits. Such a secret needs no slow hash (Secrets).
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private const int Groups = 5;
    private const int GroupLength = 6;

    private static readonly TimeSpan UseRecordedEvery = TimeSpan.FromMinutes(1);

    public async Task<Result<string>> CreateAsync(User owner, string? name, Guid? appId, CancellationToken cancellationToken = default)
    {
        var clean = UserRules.Clean(name);
        if (clean.Length == 0)
            return new Error("app_password.name_required", "Give the app password a name, such as the device or program that will use it.", "AppPasswordName");
        if (clean.Length > MaxNameLength)
            return new Error("app_password.name_too_long", $"A name can have at most {MaxNameLength} characters; this one has {clean.Length}.", "AppPasswordName");
        if (UserRules.HasHiddenCharacters(clean))
            return new Error("app_password.name_characters", "A name cannot contain control characters or invisible formatting characters. Type it again without them.", "AppPasswordName");
        var normalized = clean.ToUpperInvariant();
        if (await db.AppPasswords.AnyAsync(p => p.UserId == owner.Id && p.NormalizedName == normalized, cancellationToken))
            return new Error("app_password.name_taken", $"You already have an app password called {clean} (names ignore case). Choose another name.", "AppPasswordName");
        if (await db.AppPasswords.CountAsync(p => p.UserId == owner.Id, cancellationToken) >= MaxPerPerson)
            return new Error("app_password.too_many", $"You have {MaxPerPerson} app passwords, the most one person may have. Revoke one you no longer use first.");
        string? appName = null;
        if (appId is { } app)
        {
            appName = (await apps.ChoicesAsync(owner, cancellationToken)).Where(c => c.Id == app).Select(c => c.Name).FirstOrDefault();
            if (appName is null)
                return new Error("app_password.app", "Choose an app you may use that signs people in over LDAP, or leave the password for any app.", "AppPasswordApp");
        }

        var secret = Generate();
        db.AppPasswords.Add(new AppPassword
        {
            Id = Guid.CreateVersion7(),
            UserId = owner.Id,
            Name = clean,
            NormalizedName = normalized,
            SecretHash = Secrets.Hash(Canonical(secret)!),
            AppId = appId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        audit.Record(AuditActions.AppPasswordCreated, Actor.For(owner), owner, appName is null ? clean : $"{clean}, for {appName} only");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Error.Conflict("conflict", "Another app password with this name was created at the same moment. Reload and try again.");
        }
        return Result<string>.Ok(secret);
    }

    /// <summary>The apps a person may limit a new app password to.</summary>
    public Task<IReadOnlyList<(Guid Id, string Name)>> ChoicesAsync(User owner, CancellationToken cancellationToken = default) =>
        apps.ChoicesAsync(owner, cancellationToken);

    /// <summary>Whether the person's own password is refused over LDAP now, so app passwords are their only way in there.</summary>
    public Task<bool> OnlyWayOverLdapAsync(User owner, CancellationToken cancellationToken = default) =>
        policy.BindsWithAppPasswordsOnlyAsync(owner, cancellationToken);

    /// <summary>The person's app passwords, oldest first; null when <paramref name="actor"/> may not see them.</summary>
    public async Task<IReadOnlyList<AppPasswordView>?> ListAsync(Actor actor, User person, CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageAppPasswords(actor, person))
            return null;
        var stored = await db.AppPasswords.AsNoTracking().Where(p => p.UserId == person.Id).OrderBy(p => p.CreatedAt).ThenBy(p => p.Name).ToListAsync(cancellationToken);
        var appIds = stored.Where(p => p.AppId is not null).Select(p => p.AppId!.Value).Distinct().ToList();
        var names = appIds.Count == 0 ? new Dictionary<Guid, string>() : await apps.NamesAsync(appIds, cancellationToken);
        return [.. stored.Select(p => new AppPasswordView(p.Id, p.Name, p.AppId is { } app ? names.GetValueOrDefault(app, "an app") : null, p.CreatedAt, p.LastUsedAt))];
    }

    /// <summary>Revokes one of <paramref name="userId"/>'s app passwords: its person, or someone who manages them. Answers its name.</summary>
    public async Task<Result<string>> RevokeAsync(Actor actor, Guid userId, Guid appPasswordId, CancellationToken cancellationToken = default)
    {
        var person = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (person is null)
            return UserErrors.NotFound;
        if (!Permissions.MayManageAppPasswords(actor, person))
            return UserErrors.Forbidden;
        var password = await db.AppPasswords.SingleOrDefaultAsync(p => p.Id == appPasswordId && p.UserId == userId, cancellationToken);
        if (password is null)
            return NotFound;
        db.AppPasswords.Remove(password);
        audit.Record(AuditActions.AppPasswordRevoked, actor, person, password.Name);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return NotFound;
        }
        return Result<string>.Ok(password.Name);
    }

    /// <summary>
    /// The app password of <paramref name="user"/> that <paramref name="typed"/> is, if it may bind now: one limited
    /// to an app only on a connection that app's service account opened (<paramref name="viaAppId"/>), and only while
    /// the person may use the app. Found by its hash, so nothing is compared byte by byte and nothing can be listed.
    /// With no <paramref name="user"/> the look-up is made all the same, so an unknown name costs what a known one does.
    /// </summary>
    public async Task<AppPassword?> FindForBindAsync(User? user, string typed, Guid? viaAppId, CancellationToken cancellationToken = default)
    {
        if (Canonical(typed) is not { } canonical)
            return null;
        var hash = Secrets.Hash(canonical);
        var found = await db.AppPasswords.SingleOrDefaultAsync(p => p.SecretHash == hash, cancellationToken);
        if (found is null || user is null || found.UserId != user.Id)
            return null;
        if (found.AppId is { } app && (viaAppId != app || !await apps.IsChoiceAsync(user, app, cancellationToken)))
            return null;
        return found;
    }

    /// <summary>Notes a successful use, at most once a minute, so a busy mail client does not write on every bind. The caller saves.</summary>
    public void RecordUse(AppPassword password)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (password.LastUsedAt is not { } last || now - last >= UseRecordedEvery)
            password.LastUsedAt = now;
    }

    /// <summary>Thirty symbols in five groups of six, e.g. <c>k7qmzp-3hxa9r-…</c>: easy to read out and to type on a phone.</summary>
    public static string Generate()
    {
        var symbols = RandomNumberGenerator.GetItems<char>(Alphabet, Groups * GroupLength);
        return string.Join('-', Enumerable.Range(0, Groups).Select(g => new string(symbols, g * GroupLength, GroupLength)));
    }

    /// <summary>
    /// The secret as stored: without the hyphens and spaces people type or leave out, and in lower case, as phones
    /// capitalise a first letter. Null when the text cannot be an app password, which then needs no look-up.
    /// </summary>
    public static string? Canonical(string typed)
    {
        if (typed.Length > 64)
            return null;
        var canonical = string.Concat(typed.Where(c => c is not ('-' or ' '))).ToLowerInvariant();
        return canonical.Length == Groups * GroupLength && canonical.All(c => Alphabet.Contains(c)) ? canonical : null;
    }

    private static readonly Error NotFound = Error.NotFound("app_password.not_found", "There is no such app password; it may have been revoked already.");
}
