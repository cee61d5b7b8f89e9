using Microsoft.AspNetCore.DataProtection;

namespace Roster.Provisioning;

/// <summary>
/// The providers' bearer tokens, encrypted with the data-protection key ring (kept in the database, like the
/// authenticator keys of Accounts/TwoFactor.cs): Roster must send a token, so it cannot keep only a hash.
/// </summary>
public sealed class ScimTokens(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Roster.Provisioning.ScimTokens");

    /// <summary>Call before any transaction: the first use of the key ring writes to the database.</summary>
    public string Protect(string token) => protector.Protect(token);

    public string Unprotect(string protectedToken) => protector.Unprotect(protectedToken);
}
