using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Roster.Oidc;

/// <summary>
/// Cross-origin access for browser apps (single-page apps using PKCE): the endpoints such an app calls
/// from its page answer an origin that is one of the registered redirect URIs' origins, and no other.
/// Cookies are never allowed across origins, so this opens nothing of the dashboard.
/// </summary>
public sealed class OidcCorsPolicyProvider : ICorsPolicyProvider
{
    public const string PolicyName = "oidc";

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != PolicyName || context.Request.Headers.Origin.ToString() is not { Length: > 0 } origin)
            return null;
        var clients = context.RequestServices.GetRequiredService<IClientStore>();
        if (!await clients.IsRedirectOriginAsync(origin, context.RequestAborted))
            return null;
        return new CorsPolicyBuilder().WithOrigins(origin).WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders("Authorization", "Content-Type", "DPoP").SetPreflightMaxAge(TimeSpan.FromMinutes(10)).Build();
    }
}
