using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

/// <summary>Puts the account's current role in the principal; rebuilt on every request by the security stamp check.</summary>
public sealed class RoleClaimsFactory(UserManager<User> users, Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = user.UserName is null ? await WithoutUsernameAsync(user) : await base.GenerateClaimsAsync(user);
        identity.AddClaim(new(RoleClaim.Type, user.Role.ToString()));
        return identity;
    }

    /// <summary>
    /// Someone added without a username (invited without an email, then "Forgot password?") signs in before
    /// choosing one on /account. Identity's own factory throws on the missing name claim, so this builds the
    /// same identity with the email standing in for the name, as it does for <see cref="Actor"/> names.
    /// </summary>
    private async Task<System.Security.Claims.ClaimsIdentity> WithoutUsernameAsync(User user)
    {
        var claims = Options.ClaimsIdentity;
        var identity = new System.Security.Claims.ClaimsIdentity(IdentityConstants.ApplicationScheme, claims.UserNameClaimType, claims.RoleClaimType);
        identity.AddClaim(new(claims.UserIdClaimType, user.Id.ToString()));
        identity.AddClaim(new(claims.UserNameClaimType, user.Email ?? user.Id.ToString()));
        if (!string.IsNullOrEmpty(user.Email))
            identity.AddClaim(new(claims.EmailClaimType, user.Email));
        identity.AddClaim(new(claims.SecurityStampClaimType, await UserManager.GetSecurityStampAsync(user)));
        if (UserManager.SupportsUserClaim)
            identity.AddClaims(await UserManager.GetClaimsAsync(user));
        return identity;
    }
}
