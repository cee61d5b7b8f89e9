using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;
using Roster.Data;
using Roster.Outbox;

namespace Roster.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AccountOptions.Section);
        var settings = section.Get<AccountOptions>() ?? new AccountOptions();
        services.Configure<AccountOptions>(section);
        services.Configure<OwnerOptions>(configuration.GetSection(OwnerOptions.Section));

        services.AddIdentityCore<User>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
                identity.Password.RequiredLength = 10;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                identity.Lockout.AllowedForNewUsers = true;
                identity.Lockout.MaxFailedAccessAttempts = settings.MaxFailedAttempts;
                identity.Lockout.DefaultLockoutTimeSpan = settings.LockoutDuration;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<RosterDb>()
            .AddDefaultTokenProviders();
        // A passkey answers only Roster's own origin: the configured public URL, or, without one, the address
        // the browser used, which the browser itself vouches for in the signed client data.
        services.AddOptions<IdentityPasskeyOptions>().Configure<IOptions<Kernel.InstanceOptions>>((passkeys, instance) =>
            passkeys.ValidateOrigin = context =>
            {
                var publicUrl = instance.Value.PublicUrl;
                var expected = string.IsNullOrWhiteSpace(publicUrl)
                    ? $"{context.HttpContext.Request.Scheme}://{context.HttpContext.Request.Host}"
                    : new Uri(publicUrl).GetLeftPart(UriPartial.Authority);
                return ValueTask.FromResult(!context.CrossOrigin && string.Equals(context.Origin, expected, StringComparison.OrdinalIgnoreCase));
            });
        services.Configure<UserOptions>(configuration.GetSection(UserOptions.Section));
        services.AddScoped<UserRules>();
        services.AddScoped<AccountLookup>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<IPasswordValidator<User>, PasswordRules>();
        services.AddScoped<IUserClaimsPrincipalFactory<User>, RoleClaimsFactory>();
        services.Remove(services.Single(d => d.ServiceType == typeof(IUserValidator<User>)));
        services.AddScoped<IUserValidator<User>, UserValidator>();
        services.Configure<PasswordHasherOptions>(hasher => hasher.IterationCount = settings.PasswordIterations);
        // Identity's hasher, plus the imported formats it does not read (ImportingPasswordHasher).
        services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<User>, ImportingPasswordHasher>());

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        services.AddAuthentication().AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "roster";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            // A refusal is an answer, not a detour: 403 here, rendered by the status page.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            cookie.SlidingExpiration = true;
            // The security stamp, then the session: an ended session's cookie is refused at once.
            cookie.Events.OnValidatePrincipal = DashboardSessions.ValidateAsync;
        });
        // The security stamp is checked on every request, so disabling an account or resetting its
        // password ends its sessions at once rather than within Identity's default 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(stamp =>
        {
            stamp.ValidationInterval = TimeSpan.Zero;
            // The reissued cookie is the same session: it keeps its id and its time of authentication.
            stamp.OnRefreshingPrincipal = refreshing =>
            {
                refreshing.NewPrincipal?.Identities.First().AddClaims(DashboardSessions.SessionClaims(refreshing.CurrentPrincipal));
                return Task.CompletedTask;
            };
        });

        services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        services.AddSingleton<AccountLockout>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<DashboardSessions>();
        services.AddScoped<TwoFactor>();
        services.AddScoped<OwnerLogin>();
        services.AddScoped<TemporaryPasswords>();
        services.AddScoped<SecurityPolicy>();
        services.AddScoped<AccountTokens>();
        services.AddScoped<PasswordReset>();
        services.AddOutboxChannel<PasswordReset>();
        services.AddScoped<Credentials>();
        services.AddScoped<PasskeyCredentials>();
        services.AddScoped<FirstOwner>();
        services.AddScoped<ApiTokens>();
        services.AddScoped<AppPasswords>();
        services.AddScoped<SshKeys>();
        services.AddPosixNumbers(configuration);
        return services;
    }

    /// <summary>Roster:Posix, checked now: a bad range or path stops the start (or the command) with one line that says what to fix.</summary>
    private static void AddPosixNumbers(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PosixOptions.Section);
        if ((section.Get<PosixOptions>() ?? new PosixOptions()).Problem() is { } problem)
            throw new InvalidOperationException(problem);
        services.Configure<PosixOptions>(section);
        services.AddSingleton<PosixNumbers>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(provider => provider.GetRequiredService<PosixNumbers>());
    }
}
