using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Roster.Accounts.ForeignHashes;

namespace Roster.Accounts;

/// <summary>
/// Roster's password hasher: ASP.NET Identity's own for every new hash, and for a hash an import brought from another
/// system, a check in that system's format answered with <see cref="PasswordVerificationResult.SuccessRehashNeeded"/>, on
/// which <see cref="UserManager{TUser}.CheckPasswordAsync"/> stores Roster's own hash. Every password check (the dashboard,
/// and through it OpenID Connect; LDAP binds; the current password asked again) goes through that one call, so the
/// first successful sign-in anywhere replaces the foreign hash.
/// </summary>
public sealed class ImportingPasswordHasher(IOptions<PasswordHasherOptions> options) : IPasswordHasher<User>
{
    private readonly PasswordHasher<User> native = new(options);

    public string HashPassword(User user, string password) => native.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
    {
        if (ForeignHash.Find(hashedPassword) is { } format)
            return format.Verify(hashedPassword, providedPassword) ? PasswordVerificationResult.SuccessRehashNeeded : PasswordVerificationResult.Failed;
        // Identity throws on text that is not base64; such a stored value verifies nothing.
        if (Encodings.Base64(hashedPassword) is null)
            return PasswordVerificationResult.Failed;
        return native.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
