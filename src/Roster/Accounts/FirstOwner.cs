using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

public sealed record OwnerCredentials(string Email, string Username, string Password);

/// <summary>The owner account created on the very first start, and the setup password shown for it.</summary>
public sealed class FirstOwner(
    RosterDb db,
    UserManager<User> users,
    IDataProtectionProvider protection,
    AuditLog audit,
    TimeProvider clock,
    IOptions<OwnerOptions> options)
{
    private IDataProtector Protector => protection.CreateProtector("Roster.FirstOwnerCredentials");

    /// <summary>Creates the first owner when the directory has no account at all; returns the credentials only then.</summary>
    public async Task<OwnerCredentials?> EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.Users.AnyAsync(cancellationToken))
            return null;

        var settings = options.Value;
        var password = string.IsNullOrEmpty(settings.Password) ? GeneratePassword() : settings.Password;
        var now = clock.GetUtcNow().UtcDateTime;
        var owner = new User
        {
            Id = Guid.CreateVersion7(),
            UserName = settings.Username,
            Email = settings.Email,
            EmailConfirmed = true,
            Name = settings.Username,
            Role = Role.Owner,
            CreatedAt = now,
            UpdatedAt = now,
        };

        // Protect before the transaction: the first use of the key ring writes a key through a connection
        // of its own, which would wait forever on SQLite's write lock held by this transaction.
        var protectedPassword = Protector.Protect(password);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(owner, password);
        if (!created.Succeeded)
            throw new InvalidOperationException("The first owner could not be created: " +
                string.Join(" ", created.Errors.Select(e => e.Description)) + " Check Roster:Owner in the configuration.");
        db.FirstOwnerCredentials.Add(new FirstOwnerCredentials { UserId = owner.Id, ProtectedPassword = protectedPassword });
        audit.Record(AuditActions.OwnerCreated, Actor.Operator, owner);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OwnerCredentials(owner.Email, owner.UserName, password);
    }

    /// <summary>
    /// The setup credentials while the setup password still opens the account; null once it was
    /// changed (the stored copy is then erased), or when there never was one.
    /// </summary>
    public async Task<OwnerCredentials?> SetupCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await db.FirstOwnerCredentials.SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
            return null;
        var owner = await users.FindByIdAsync(stored.UserId.ToString());
        var password = Protector.Unprotect(stored.ProtectedPassword);
        if (owner is null || !await users.CheckPasswordAsync(owner, password))
        {
            db.FirstOwnerCredentials.Remove(stored);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        return new OwnerCredentials(owner.Email ?? "", owner.UserName ?? "", password);
    }

    /// <summary>20 characters from an alphabet without look-alikes: about 115 bits, easy to type from a console.</summary>
    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}
