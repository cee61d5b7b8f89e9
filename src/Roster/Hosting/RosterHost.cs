using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server.Features;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.Audit;
using Roster.Data;
using Roster.Mail;
using Roster.MailDirectory;
using Roster.Oidc;
using Roster.OidcProvider;
using Roster.Outbox;
using Roster.Provisioning;
using Roster.DirectoryServer;
using Roster.Transfer;
using Roster.Users;
using System.Text.Json.Serialization;

namespace Roster.Hosting;

/// <summary>The composition root: which features make up Roster and in which order requests pass through them.</summary>
public static class RosterHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Named explicitly so the pages are found when another program (a test) hosts Roster.
            ApplicationName = typeof(RosterHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = builder.Configuration;
        var services = builder.Services;
        // A start-up failure is told in one line by RunAsync below; the host's own "Hosting failed to start"
        // would print it again with a stack trace. A background service that stops the host still logs (Critical).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        services.Configure<InstanceOptions>(configuration.GetSection(InstanceOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddSingleton<Links>();
        // Every call to an address someone typed into Roster's settings goes through this one vetted client.
        services.AddSingleton<OutboundHttp>();
        services.AddAudit();
        services.AddRosterDatabase(configuration);
        // Here rather than in AddMail: mail, back-channel logouts and reset requests all queue on it.
        services.AddOutbox(configuration);
        services.AddMail(configuration);
        services.AddAccounts(configuration);
        services.AddUsers(configuration);
        services.AddGroups();
        services.AddMailDirectory();
        services.AddApps();
        services.AddTransfer();
        services.AddProvisioning(configuration);
        services.AddOidc(configuration);
        services.AddLdap(configuration);
        services.AddCredentialRateLimits(configuration);
        services.AddReverseProxy(configuration);

        services.AddAuthorizationBuilder()
            // Secure by default: every endpoint needs a signed-in user unless it says otherwise.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddRosterPolicies();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Roster API";
            document.Info.Description = "Authenticate with a personal API token from /account: \"Authorization: Bearer rst_…\". Errors are RFC 9457 problem details.";
            return Task.CompletedTask;
        }));
        services.AddRazorPages(pages => pages.RootDirectory = "/");
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "roster.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddProblemDetails();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        // First: everything after it sees the person's address and scheme, not the proxy's.
        app.UseForwardedHeaders();
        // Apps call these as themselves: none of the dashboard's middleware below applies to them.
        app.UseOidcBackChannel();
        if (!app.Environment.IsDevelopment())
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseExceptionHandler());
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), pages => pages.UseExceptionHandler("/error"));
        }
        app.UseServerTiming();
        app.UseSecurityHeaders();
        // A body-less error answers as problem details on the API and as a page everywhere else.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseStaticFiles();
        app.UseRouting();
        app.UseCredentialRateLimits();
        app.UseCors();
        app.UseAuthentication();
        app.UseTwoFactorEnrolment();
        app.UseAuthorization();

        app.MapRazorPages();
        app.MapHealthCheck();
        app.MapUsers();
        app.MapGroups();
        app.MapMailDirectory();
        app.MapApps();
        app.MapProvisioning();
        app.MapOidc();
        app.MapAudit();
        app.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();
        return app;
    }

    /// <summary>Serves the dashboard until shut down: migrates, creates the first owner on first start, says where to go.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(CreateBuilder(args));
            // Instances that start together on a new database prepare it one after the other.
            await using var startup = await StartupLock.AcquireAsync(app.Services);
            await DatabaseSetup.MigrateAsync(app.Services);
            await using var scope = app.Services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<FirstOwner>().EnsureCreatedAsync();
            if (created is not null)
                PrintFirstOwner(created);
            // The signing keys exist from the first start on (created now if missing), not from the first sign-in.
            await app.Services.GetRequiredService<KeyRing>().PublicKeysAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or OptionsValidationException or DbException or IOException)
        {
            // Start-up problems are configuration problems: one line that says what to fix, not a stack trace.
            return Exit.Fail("Roster could not start: " + e.GetBaseException().Message);
        }
        try
        {
            await app.StartAsync();
        }
        catch (LdapListenException e)
        {
            return Exit.Fail($"Roster could not start: {e.Message}");
        }
        catch (IOException e)
        {
            // Most often the HTTP port is taken by another program.
            return Exit.Fail($"Roster could not listen: {e.Message} Choose another address with --urls (e.g. --urls http://localhost:8080).");
        }
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine($"Roster is running. Open {addresses.FirstOrDefault() ?? "the configured URL"} in a browser and sign in.");
        var links = app.Services.GetRequiredService<Links>();
        if (!links.Configured)
            app.Logger.LogWarning("Roster__PublicUrl is not set, so links in emails point to {Origin}. Set it to the address people use to reach Roster.", links.Origin());
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static void PrintFirstOwner(OwnerCredentials owner)
    {
        const string rule = "==========================================================================";
        Console.WriteLine(rule);
        Console.WriteLine("Roster created the first owner account. Sign in with:");
        Console.WriteLine($"Email: {owner.Email}");
        Console.WriteLine($"Username: {owner.Username}");
        Console.WriteLine($"Password: {owner.Password}");
        Console.WriteLine("This is shown once. Until the password is changed, `roster admin-credentials` prints it again.");
        Console.WriteLine(rule);
    }

    private static void MapHealthCheck(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/healthz", async (RosterDb db, CancellationToken cancellationToken) =>
        {
            try
            {
                await db.Users.AnyAsync(cancellationToken);
                return Results.Text("ok");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Problem(title: "The database is unreachable.", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
}
