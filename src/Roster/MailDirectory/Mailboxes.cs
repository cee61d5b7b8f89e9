using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>What happens to the mailboxes of a person whose account is deleted: deleted (no one to hand them to) or handed over.</summary>
public sealed record MailboxFate(string? HandOverTo)
{
    public static MailboxFate Delete { get; } = new((string?)null);
}

/// <summary>
/// Creating, changing, handing over and deleting mailboxes and their aliases: mail managers and above, and only for
/// mailboxes of people they may edit (so a mail manager cannot take over an admin's address and with it their mail).
/// </summary>
public sealed class Mailboxes(RosterDb db, AddressBook addresses, AccountLookup accounts, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<Mailbox>> CreateAsync(Actor actor, string? address, string? person, string? group, IReadOnlyCollection<string>? aliases = null,
        CancellationToken cancellationToken = default)
    {
        if (!Permissions.MayManageMail(actor.Role))
            return MailErrors.Forbidden;
        var (owner, ownerError) = await FindOwnerAsync(actor, person, group, cancellationToken);
        var errors = new List<Error>();
        if (ownerError is not null)
            errors.Add(ownerError);
        var mailbox = new Mailbox { Id = Guid.CreateVersion7(), UserId = owner?.User?.Id, GroupId = owner?.GroupId, CreatedAt = Now(), UpdatedAt = Now() };
        var (row, addressError) = await addresses.ClaimAsync(address, MailAddressKind.Mailbox, mailbox.UserId, "Address", cancellationToken);
        if (addressError is not null)
            errors.Add(addressError);
        var aliasRows = new List<MailAddress>();
        foreach (var alias in (aliases ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (row is not null && string.Equals(MailAddresses.Normalize(alias), row.NormalizedAddress, StringComparison.Ordinal))
            {
                errors.Add(new("mail.alias_is_address", $"{alias} is the mailbox's own address; an alias is another address.", "Aliases"));
                continue;
            }
            var (aliasRow, aliasError) = await addresses.ClaimAsync(alias, MailAddressKind.Alias, mailbox.UserId, "Aliases", cancellationToken);
            if (aliasError is not null)
                errors.Add(aliasError);
            else
                aliasRows.Add(aliasRow!);
        }
        if (errors.Count > 0)
            return Result<Mailbox>.Fail(errors);
        mailbox.Address = row!.Address;
        db.Mailboxes.Add(mailbox);
        foreach (var claimed in aliasRows.Prepend(row))
        {
            claimed.MailboxId = mailbox.Id;
            db.MailAddresses.Add(claimed);
        }
        audit.Record(AuditActions.MailboxCreated, actor, owner?.User, $"{mailbox.Address} ({owner!.Name})"
            + (aliasRows.Count > 0 ? $", aliases {string.Join(", ", aliasRows.Select(a => a.Address))}" : ""));
        return await SaveAsync(mailbox, cancellationToken);
    }

    /// <summary>A new address (its mail stays: the mail server keeps it by the mailbox's id) and/or the enabled flag.</summary>
    public async Task<Result<Mailbox>> UpdateAsync(Actor actor, Guid id, string? address, bool? enabled, CancellationToken cancellationToken = default)
    {
        var (mailbox, owner, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var changes = new List<string>();
        if (address is not null && !string.Equals(address.Trim(), mailbox!.Address, StringComparison.Ordinal))
        {
            var current = await db.MailAddresses.SingleAsync(a => a.MailboxId == id && a.Kind == MailAddressKind.Mailbox, cancellationToken);
            if (string.Equals(MailAddresses.Normalize(address), current.NormalizedAddress, StringComparison.Ordinal))
            {
                // Only the case of the local part changes: the row stays, the shown form follows.
                var (localPart, domainName, error) = MailAddresses.Parse(address, "Address");
                if (error is not null)
                    return error;
                current.Address = mailbox.Address = $"{localPart}@{domainName}";
            }
            else
            {
                var (row, error) = await addresses.ClaimAsync(address, MailAddressKind.Mailbox, mailbox.UserId, "Address", cancellationToken);
                if (error is not null)
                    return error;
                db.MailAddresses.Remove(current);
                row!.MailboxId = id;
                db.MailAddresses.Add(row);
                changes.Add($"{mailbox.Address} → {row.Address}");
                mailbox.Address = row.Address;
            }
        }
        if (enabled is { } on && on != mailbox!.Enabled)
        {
            mailbox.Enabled = on;
            changes.Add(on ? "enabled" : "disabled");
        }
        if (changes.Count == 0)
            return Result<Mailbox>.Ok(mailbox!);
        audit.Record(AuditActions.MailboxUpdated, actor, owner, $"{mailbox!.Address}: {string.Join(", ", changes)}");
        return await SaveAsync(mailbox, cancellationToken);
    }

    public async Task<Result<Mailbox>> AddAliasAsync(Actor actor, Guid id, string? alias, CancellationToken cancellationToken = default)
    {
        var (mailbox, owner, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var (row, error) = await addresses.ClaimAsync(alias, MailAddressKind.Alias, mailbox!.UserId, "Alias", cancellationToken);
        if (error is not null)
            return error;
        row!.MailboxId = id;
        db.MailAddresses.Add(row);
        audit.Record(AuditActions.MailAliasAdded, actor, owner, $"{row.Address} → {mailbox.Address}");
        return await SaveAsync(mailbox, cancellationToken);
    }

    public async Task<Result<Mailbox>> RemoveAliasAsync(Actor actor, Guid id, string? alias, CancellationToken cancellationToken = default)
    {
        var (mailbox, owner, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var normalized = MailAddresses.Normalize(alias ?? "");
        var row = await db.MailAddresses.SingleOrDefaultAsync(a => a.MailboxId == id && a.Kind == MailAddressKind.Alias && a.NormalizedAddress == normalized, cancellationToken);
        if (row is null)
            return Error.NotFound("not_found", $"{alias} is not an alias of {mailbox!.Address}.");
        db.MailAddresses.Remove(row);
        audit.Record(AuditActions.MailAliasRemoved, actor, owner, $"{row.Address} → {mailbox!.Address}");
        return await SaveAsync(mailbox, cancellationToken);
    }

    /// <summary>Gives the mailbox, its aliases and its mail to another person or a group.</summary>
    public async Task<Result<Mailbox>> HandOverAsync(Actor actor, Guid id, string? person, string? group, CancellationToken cancellationToken = default)
    {
        var (mailbox, previous, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        var (owner, error) = await FindOwnerAsync(actor, person, group, cancellationToken);
        if (error is not null)
            return error;
        if (await HandOverAsync(actor, mailbox!, previous, owner!, leaving: null, cancellationToken) is { } refused)
            return refused;
        return await SaveAsync(mailbox!, cancellationToken);
    }

    /// <summary>
    /// What becomes of a person's mailboxes when their account is deleted: deleted with it, or handed to
    /// <paramref name="handOverTo"/> (a person). The caller saves, in the same unit of work as the deletion.
    /// </summary>
    public async Task<Error?> DisposeOfAsync(Actor actor, User leaving, MailboxFate? fate, CancellationToken cancellationToken)
    {
        var owned = await db.Mailboxes.Where(m => m.UserId == leaving.Id).OrderBy(m => m.Address).ToListAsync(cancellationToken);
        if (owned.Count == 0)
            return null;
        if (fate is null)
            return new Error("mail.owner_has_mailboxes",
                $"{leaving.Name} owns the {(owned.Count == 1 ? "mailbox" : "mailboxes")} {string.Join(", ", owned.Select(m => m.Address))}: choose whether they are deleted too or handed over to someone.",
                "Mailboxes");
        if (!Permissions.MayManageMail(actor.Role))
            return MailErrors.Forbidden;
        if (fate.HandOverTo is null)
        {
            foreach (var mailbox in owned)
            {
                db.Mailboxes.Remove(mailbox);
                audit.Record(AuditActions.MailboxDeleted, actor, leaving, $"{mailbox.Address} (with its person)");
            }
            return null;
        }
        var (owner, error) = await FindOwnerAsync(actor, fate.HandOverTo, null, cancellationToken);
        if (error is not null)
            return error with { Field = "Mailboxes" };
        if (owner!.User!.Id == leaving.Id)
            return new Error("mail.hand_over_to_self", $"Hand the mailboxes of {leaving.Name} over to someone who stays.", "Mailboxes");
        foreach (var mailbox in owned)
            if (await HandOverAsync(actor, mailbox, leaving, owner, leaving.Id, cancellationToken) is { } refused)
                return refused;
        return null;
    }

    private async Task<Error?> HandOverAsync(Actor actor, Mailbox mailbox, User? previous, Owner owner, Guid? leaving, CancellationToken cancellationToken)
    {
        // A sign-in email stays with its person: it cannot travel with the mailbox while their account uses it.
        var upper = (await db.MailAddresses.Where(a => a.MailboxId == mailbox.Id).Select(a => a.NormalizedAddress).ToListAsync(cancellationToken))
            .Select(a => a.ToUpperInvariant()).ToList();
        var keeper = owner.User?.Id ?? Guid.Empty;
        var other = leaving ?? Guid.Empty;
        var holder = await db.Users.AsNoTracking().Where(u => upper.Contains(u.NormalizedEmail!) && u.Id != keeper && u.Id != other)
            .Select(u => new { u.Name, u.Email }).FirstOrDefaultAsync(cancellationToken);
        if (holder is not null)
            return new Error("mail.address_is_sign_in_email",
                $"{holder.Email} is the sign-in email of {holder.Name}, so the mailbox {mailbox.Address} cannot go to someone else while their account uses it.", "Owner");
        mailbox.UserId = owner.User?.Id;
        mailbox.GroupId = owner.GroupId;
        mailbox.UpdatedAt = Now();
        audit.Record(AuditActions.MailboxHandedOver, actor, owner.User ?? previous, $"{mailbox.Address} → {owner.Name}");
        return null;
    }

    public async Task<Result<Mailbox>> DeleteAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        var (mailbox, owner, refusal) = await FindAsync(actor, id, cancellationToken);
        if (refusal is not null)
            return refusal;
        db.Mailboxes.Remove(mailbox!);
        audit.Record(AuditActions.MailboxDeleted, actor, owner, mailbox!.Address);
        return await SaveAsync(mailbox, cancellationToken);
    }

    private sealed record Owner(User? User, Guid? GroupId, string Name);

    private async Task<(Owner? Owner, Error? Error)> FindOwnerAsync(Actor actor, string? person, string? group, CancellationToken cancellationToken)
    {
        person = person?.Trim();
        group = group?.Trim();
        if (string.IsNullOrEmpty(person) == string.IsNullOrEmpty(group))
            return (null, new("mail.owner_required", "Choose who owns the mailbox: one person, or one group for a shared mailbox.", "Owner"));
        if (!string.IsNullOrEmpty(person))
        {
            var found = await accounts.FindByNamesAsync([person], cancellationToken);
            if (!found.TryGetValue(person, out var user))
                return (null, new("mail.owner_unknown", $"No account matches {person} (a username, email or id).", "Owner"));
            if (!Permissions.MayEdit(actor, user))
                return (null, OutOfReach(user));
            return (new Owner(user, null, user.UserName ?? user.Email ?? user.Name), null);
        }
        var upper = group!.ToUpperInvariant();
        var row = await db.Groups.AsNoTracking().Where(g => g.NormalizedName == upper).Select(g => new { g.Id, g.Name }).SingleOrDefaultAsync(cancellationToken);
        return row is null
            ? (null, new("mail.group_unknown", $"There is no group called {group}.", "Owner"))
            : (new Owner(null, row.Id, row.Name), null);
    }

    /// <summary>The mailbox and its person, or why the actor may not change it.</summary>
    private async Task<(Mailbox? Mailbox, User? Owner, Error? Refusal)> FindAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        if (!Permissions.MayManageMail(actor.Role))
            return (null, null, MailErrors.Forbidden);
        var mailbox = await db.Mailboxes.FindAsync([id], cancellationToken);
        if (mailbox is null)
            return (null, null, MailErrors.MailboxNotFound);
        var owner = mailbox.UserId is { } userId ? await db.Users.FindAsync([userId], cancellationToken) : null;
        if (owner is not null && !Permissions.MayEdit(actor, owner))
            return (null, null, OutOfReach(owner));
        return (mailbox, owner, null);
    }

    private static Error OutOfReach(User person) =>
        Error.Forbidden("forbidden", $"You may not manage the mail of {person.Name}: that needs someone of a higher role.");

    private async Task<Result<Mailbox>> SaveAsync(Mailbox mailbox, CancellationToken cancellationToken)
    {
        mailbox.UpdatedAt = Now();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return MailErrors.Conflict;
        }
        return Result<Mailbox>.Ok(mailbox);
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
