using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

public static class Passwords
{
    /// <summary>
    /// Sets a new password without knowing the old one (reset links, invitations). Goes through Identity's
    /// reset so validators run and the security stamp changes, which ends the account's other sessions.
    /// </summary>
    public static async Task<IdentityResult> ReplacePasswordAsync(this UserManager<User> users, User user, string password) =>
        await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);

    /// <summary>A password nobody knows, for accounts that get their real one later (invitations).</summary>
    public static string Unusable() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
