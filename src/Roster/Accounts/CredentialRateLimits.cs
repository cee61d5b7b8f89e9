using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Roster.Accounts;

public sealed class RateLimitOptions
{
    public const string Section = "Roster:RateLimit";

    /// <summary>Credential form posts (sign-in, forgot and reset password, invitations, password change) one client address may make per minute.</summary>
    public int CredentialAttemptsPerMinute { get; set; } = 20;

    /// <summary>
    /// Failed LDAP binds one client address may make per minute, whatever names they try. Each name has its own
    /// allowance of <see cref="CredentialAttemptsPerMinute"/>, so an app server relaying many people's sign-ins is
    /// not locked out by one person's typos; this ceiling still slows one address trying many names.
    /// </summary>
    public int FailedBindsPerAddressPerMinute { get; set; } = 200;

    /// <summary>Password-reset and invitation emails one address may receive per hour, however they were asked for.</summary>
    public int LinkEmailsPerRecipientPerHour { get; set; } = 5;
}

/// <summary>
/// Limits credential form posts per client address, on top of per-account lockout, so one address cannot
/// spray guesses over many accounts. Counted in the database (<see cref="CredentialCounters"/>): one limit
/// however many instances share the work.
/// </summary>
public static class CredentialRateLimits
{
    private static readonly string[] CredentialPaths = ["/login", "/forgot-password", "/reset-password", "/accept-invitation", "/account"];
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddCredentialRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(settings);
        services.AddSingleton<CredentialCounters>();
        services.AddSingleton<RecipientMailLimit>();
        services.AddHostedService<CredentialCounterCleanup>();
        services.AddSingleton(new FailedTokenAttempts(settings.CredentialAttemptsPerMinute));
        return services;
    }

    public static IApplicationBuilder UseCredentialRateLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsCredentialAttempt(context.Request))
        {
            var limit = context.RequestServices.GetRequiredService<RateLimitOptions>().CredentialAttemptsPerMinute;
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var attempts = await context.RequestServices.GetRequiredService<CredentialCounters>().CountAsync("post:" + address, Window, context.RequestAborted);
            if (attempts > limit)
            {
                var response = context.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = "60";
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync("Too many attempts from your address. Wait a minute, then try again.", context.RequestAborted);
                return;
            }
        }
        await next(context);
    });

    private static bool IsCredentialAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) &&
        CredentialPaths.Any(path => request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Forgets credential counts once their windows are long over, so the table holds only recent ones.</summary>
public sealed class CredentialCounterCleanup(CredentialCounters counters, TimeProvider clock, IOptions<AccountOptions> accounts, ILogger<CredentialCounterCleanup> log)
    : HourlyCleanup(clock, log)
{
    protected override string What => "Old credential counts";

    // The longest window any count uses: an unknown name's lockout, or the hour of a recipient's emails.
    protected override Task CleanAsync(CancellationToken cancellationToken) =>
        counters.PurgeAsync(TimeSpan.FromTicks(Math.Max(accounts.Value.LockoutDuration.Ticks, RecipientMailLimit.Window.Ticks)) + TimeSpan.FromMinutes(1), cancellationToken);
}

/// <summary>
/// Failed API token checks and OpenID Connect client authentications per client address (LDAP binds have their own count, per address and name,
/// in DirectoryServer.BindThrottle). Tokens are too long to guess, but a flood of wrong ones
/// still costs database lookups; past the limit an address is refused without looking. Counted in this instance's memory, because a shared count would
/// cost the very lookup it saves (password guessing is stopped by the account lockout, which every instance shares).
/// </summary>
public sealed class FailedTokenAttempts(int perMinute) : Roster.Oidc.ICredentialThrottle
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }));

    public bool IsBlocked(string address) => limiter.GetStatistics(address)?.CurrentAvailablePermits == 0;

    public void Record(string address) => limiter.AttemptAcquire(address).Dispose();

    void Roster.Oidc.ICredentialThrottle.RecordFailure(string address) => Record(address);
}
