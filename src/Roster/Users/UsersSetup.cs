using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Data;

namespace Roster.Users;

public static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<UserList>();
        services.AddScoped<NewUsers>();
        services.AddScoped<UserChanges>();
        services.AddScoped<Invitations>();
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
        endpoints.MapSshKeysApi();
        return endpoints;
    }
}
