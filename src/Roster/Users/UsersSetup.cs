using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Users;

public static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UserOptions>(configuration.GetSection(UserOptions.Section));
        services.AddScoped<UserRules>();
        services.AddScoped<UserList>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<NewUsers>();
        services.AddScoped<UserChanges>();
        services.AddScoped<Invitations>();
        services.AddScoped<IPasswordValidator<User>, PasswordRules>();
        services.AddScoped<IUserClaimsPrincipalFactory<User>, RoleClaimsFactory>();
        var identityValidator = services.Single(d => d.ServiceType == typeof(IUserValidator<User>));
        services.Remove(identityValidator);
        services.AddScoped<IUserValidator<User>, UserValidator>();
        return services;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/avatar/{id:guid}", async (Guid id, RosterDb db, HttpContext context, CancellationToken cancellationToken) =>
        {
            var avatar = await db.Avatars.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == id, cancellationToken);
            return Avatars.Serve(context, avatar?.ContentType, avatar?.Data, avatar?.UpdatedAt ?? default);
        })
        // Apps fetch the OpenID Connect "picture" from their servers, without a session; the address holds
        // the person's random id, so it is found only by those who were given it.
        .AllowAnonymous();
        endpoints.MapUsersApi();
        return endpoints;
    }
}

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
