using System.Security.Claims;

namespace Roster.Kernel;

/// <summary>
/// Who is acting: a signed-in person with their current role, nobody (a visitor), or the operator at the
/// command line, who acts with an owner's rights but is still held to the guardrails.
/// </summary>
public sealed record Actor(User? User, Role Role, string Name)
{
    public static readonly Actor Anonymous = new(null, Role.User, "anonymous");
    public static readonly Actor Operator = new(null, Role.Owner, "operator (command line)");

    public static Actor For(User user) => new(user, user.Role, user.UserName ?? user.Email ?? user.Id.ToString());

    public bool IsSelf(User target) => User?.Id == target.Id;
}

/// <summary>The role claim carried by a signed-in principal (cookie or API token).</summary>
public static class RoleClaim
{
    public const string Type = "roster:role";

    public static Role Of(ClaimsPrincipal principal) =>
        Enum.TryParse<Role>(principal.FindFirstValue(Type), out var role) ? role : Role.User;
}
