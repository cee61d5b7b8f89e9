using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.MailDirectory;

/// <summary>The domains Roster publishes addresses for: admins and owners add and remove them.</summary>
public sealed class MailDomains(RosterDb db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<MailDomain>> AddAsync(Actor actor, string? name, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return MailErrors.DomainsForbidden;
        var (domainName, error) = MailAddresses.ParseDomain(name, "Name");
        if (error is not null)
            return error;
        if (await db.MailDomains.AnyAsync(d => d.Name == domainName, cancellationToken))
            return new Error("mail.domain_taken", $"{domainName} is already a mail domain.", "Name");
        var domain = new MailDomain { Id = Guid.CreateVersion7(), Name = domainName!, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.MailDomains.Add(domain);
        audit.Record(AuditActions.MailDomainAdded, actor, details: domain.Name);
        return await SaveAsync(domain, cancellationToken);
    }

    /// <summary>Refused while any address is in the domain: removing it would silently stop their mail.</summary>
    public async Task<Result<MailDomain>> RemoveAsync(Actor actor, Guid id, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return MailErrors.DomainsForbidden;
        var domain = await db.MailDomains.FindAsync([id], cancellationToken);
        if (domain is null)
            return MailErrors.DomainNotFound;
        var used = await db.MailAddresses.CountAsync(a => a.DomainId == id, cancellationToken);
        if (used > 0)
            return new Error("mail.domain_in_use",
                $"{domain.Name} still has {used} {(used == 1 ? "address" : "addresses")} (mailboxes, aliases or lists). Delete them first, so no mail stops unnoticed.");
        db.MailDomains.Remove(domain);
        audit.Record(AuditActions.MailDomainRemoved, actor, details: domain.Name);
        return await SaveAsync(domain, cancellationToken);
    }

    private async Task<Result<MailDomain>> SaveAsync(MailDomain domain, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return MailErrors.Conflict;
        }
        return Result<MailDomain>.Ok(domain);
    }
}
