using Microsoft.AspNetCore.Identity;

namespace Roster.Accounts;

/// <summary>The signed-in person of this request as an <see cref="Actor"/>, read once per request.</summary>
public sealed class CurrentActor(IHttpContextAccessor http, UserManager<User> users)
{
    private Actor? actor;

    public async Task<Actor> GetAsync()
    {
        if (actor is not null)
            return actor;
        var principal = http.HttpContext?.User;
        var user = principal?.Identity?.IsAuthenticated == true ? await users.GetUserAsync(principal) : null;
        return actor = user is null ? Actor.Anonymous : Actor.For(user);
    }
}
