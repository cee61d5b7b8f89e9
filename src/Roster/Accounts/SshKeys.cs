using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>
/// A person's SSH public keys, for every surface (/account/ssh-keys, the API, the command line): who may list, add
/// and remove them (<see cref="Permissions"/>), the checks of <see cref="SshPublicKeyLine"/>, and the audit.
/// </summary>
public sealed class SshKeys(RosterDb db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Enough for every device a person has; a cap, so one account cannot grow every host's lookup without end.</summary>
    public const int MaxPerPerson = 50;

    public static readonly Error NotFound = Error.NotFound("ssh_key.not_found", "There is no such SSH key.");

    public async Task<Result<List<SshKey>>> ListAsync(Actor actor, Guid userId, CancellationToken cancellationToken = default)
    {
        var target = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (target is null)
            return UserErrors.NotFound;
        if (!Permissions.MaySeeSshKeys(actor, target))
            return UserErrors.Forbidden;
        return Result<List<SshKey>>.Ok(await db.SshKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken));
    }

    public async Task<Result<SshKey>> AddAsync(Actor actor, Guid userId, string? line, CancellationToken cancellationToken = default)
    {
        var target = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (target is null)
            return UserErrors.NotFound;
        if (!Permissions.MayAddSshKey(actor, target))
            return UserErrors.Forbidden;
        var parsed = SshPublicKeyLine.Parse(line);
        if (!parsed.Succeeded)
            return Result<SshKey>.Fail(parsed.Errors);
        var key = parsed.Value!;
        var holder = await db.SshKeys.Where(k => k.Fingerprint == key.Fingerprint).Select(k => (Guid?)k.UserId).FirstOrDefaultAsync(cancellationToken);
        if (holder is { } owner)
            // Said whoever holds it: a public key is public, and who holds it is not told.
            return new Error("ssh_key.taken", owner == userId
                ? "This key is already on the account."
                : "This key is already on another account. One key opens one account: make a key of its own for this one.", "PublicKey");
        if (await db.SshKeys.CountAsync(k => k.UserId == userId, cancellationToken) >= MaxPerPerson)
            return new Error("ssh_key.limit", $"An account can have at most {MaxPerPerson} SSH keys. Remove one first.", "PublicKey");

        var stored = new SshKey
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            Type = key.Type,
            PublicKey = key.PublicKey,
            Comment = key.Comment,
            Fingerprint = key.Fingerprint,
            Bits = key.Bits,
            AddedBy = actor.IsSelf(target) ? "" : actor.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SshKeys.Add(stored);
        audit.Record(AuditActions.SshKeyAdded, actor, target, Describe(stored));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique fingerprint, taken by an addition at the same moment.
            return Error.Conflict("ssh_key.conflict", "The same key was added at the same moment elsewhere. Reload and try again.");
        }
        return Result<SshKey>.Ok(stored);
    }

    /// <summary>Only a key of <paramref name="userId"/>: another person's key id finds nothing here.</summary>
    public async Task<Result<SshKey>> RemoveAsync(Actor actor, Guid userId, Guid keyId, CancellationToken cancellationToken = default)
    {
        var target = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (target is null)
            return UserErrors.NotFound;
        if (!Permissions.MayRemoveSshKey(actor, target))
            return UserErrors.Forbidden;
        var key = await db.SshKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.UserId == userId, cancellationToken);
        if (key is null)
            return NotFound;
        db.SshKeys.Remove(key);
        audit.Record(AuditActions.SshKeyRemoved, actor, target, Describe(key));
        await db.SaveChangesAsync(cancellationToken);
        return Result<SshKey>.Ok(key);
    }

    private static string Describe(SshKey key) => key.Comment.Length == 0 ? $"{key.Type} {key.Fingerprint}" : $"{key.Type} {key.Fingerprint} ({key.Comment})";
}
