using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Roster.Accounts;

public sealed class RateLimitOptions
{
    public const string Section = "Roster:RateLimit";

    /// <summary>Credential form posts (sign-in, forgot and reset password, invitations, password change) one client address may make per minute.</summary>
    public int CredentialAttemptsPerMinute { get; set; } = 20;
}

/// <summary>Limits credential checks per client address, on top of per-account lockout, so one address cannot spray guesses over many accounts.</summary>
public static class CredentialRateLimits
{
    private static readonly string[] CredentialPaths = ["/login", "/forgot-password", "/reset-password", "/accept-invitation", "/account"];

    public static IServiceCollection AddCredentialRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(new FailedTokenAttempts(settings.CredentialAttemptsPerMinute));
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsCredentialAttempt(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions
                        {
                            PermitLimit = settings.CredentialAttemptsPerMinute,
                            Window = TimeSpan.FromMinutes(1),
                        })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = "60";
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("Too many attempts from your address. Wait a minute, then try again.", cancellationToken);
            };
        });
        return services;
    }

    private static bool IsCredentialAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) &&
        CredentialPaths.Any(path => request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Failed API token checks and OpenID Connect client authentications per client address. Tokens are too long to guess, but a flood of wrong ones
/// still costs database lookups; past the limit an address is refused without looking.
/// </summary>
public sealed class FailedTokenAttempts(int perMinute) : Roster.Oidc.ICredentialThrottle
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }));

    public bool IsBlocked(string address) => limiter.GetStatistics(address)?.CurrentAvailablePermits == 0;

    public void Record(string address) => limiter.AttemptAcquire(address).Dispose();

    void Roster.Oidc.ICredentialThrottle.RecordFailure(string address) => Record(address);
}
