using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Roster.Accounts;
using Roster.Data;
using Roster.Hosting;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Roster in this test process, on real Kestrel at a free loopback port, on a real database, with a
/// clock the test controls. Everything a user would reach goes over HTTP.
/// </summary>
public sealed class RosterServer : IAsyncDisposable
{
    private readonly TempDirectory dataFolder;

    private RosterServer(WebApplication app, TempDirectory dataFolder, ManualClock clock, OwnerCredentials owner, string baseUrl)
    {
        App = app;
        this.dataFolder = dataFolder;
        Clock = clock;
        Owner = owner;
        BaseUrl = baseUrl;
    }

    public WebApplication App { get; }
    public ManualClock Clock { get; }
    public OwnerCredentials Owner { get; }
    public string BaseUrl { get; }
    public string DataPath => dataFolder.Path;

    /// <summary>Settings that keep tests fast and independent: cheap hashing, no address or recipient throttling.</summary>
    public static Dictionary<string, string?> TestSettings(string dataPath) => new()
    {
        ["Roster:DataDirectory"] = dataPath,
        ["Roster:Accounts:PasswordIterations"] = "1000",
        ["Roster:RateLimit:CredentialAttemptsPerMinute"] = "100000",
        ["Roster:RateLimit:FailedBindsPerAddressPerMinute"] = "100000",
        ["Roster:RateLimit:LinkEmailsPerRecipientPerHour"] = "100000",
        ["Roster:Smtp:RetryDelay"] = "00:00:00.250",
        ["Roster:Ldap:Listen"] = "127.0.0.1:0",
    };

    public static async Task<RosterServer> StartAsync(TestDatabase database, IDictionary<string, string?>? settings = null)
    {
        var dataFolder = new TempDirectory();
        var all = TestSettings(dataFolder.Path);
        foreach (var (key, value) in database.Settings().Concat(settings ?? new Dictionary<string, string?>()))
            all[key] = value;

        var builder = RosterHost.CreateBuilder([.. all.Select(kv => $"--{kv.Key}={kv.Value}")]);
        var clock = new ManualClock();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = RosterHost.Build(builder);

        await DatabaseSetup.MigrateAsync(app.Services);
        OwnerCredentials owner;
        await using (var scope = app.Services.CreateAsyncScope())
            owner = await scope.ServiceProvider.GetRequiredService<FirstOwner>().EnsureCreatedAsync()
                ?? throw new InvalidOperationException("The test database was not empty.");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RosterServer(app, dataFolder, clock, owner, address);
    }

    public FormClient NewClient() => new(BaseUrl);

    public async Task<User> CreateUserAsync(string username, string password, Role role = Role.User, bool enabled = true)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            UserName = username,
            Email = $"{username}@example.org",
            Name = $"Test {username}",
            Role = role,
            Enabled = enabled,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var result = await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A new account with this role, signed in through the login form.</summary>
    public async Task<(User User, FormClient Browser)> SignedInAsync(Role role, string? username = null)
    {
        const string password = "a long test password";
        var user = await CreateUserAsync(username ?? $"{role.ToString().ToLowerInvariant()}{Guid.NewGuid().ToString("N")[..8]}", password, role);
        var browser = NewClient();
        var page = await browser.SignInAsync(user.UserName!, password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, page.Status);
        return (user, browser);
    }

    /// <summary>An HTTP client for /api/v1 carrying a fresh personal API token of <paramref name="user"/>.</summary>
    public async Task<HttpClient> ApiClientAsync(User user)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByIdAsync(user.Id.ToString());
        var token = await scope.ServiceProvider.GetRequiredService<ApiTokens>().CreateAsync(stored!, "test");
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.Value);
        return client;
    }

    /// <summary>The account as stored now, read with a fresh context.</summary>
    public async Task<User> StoredUserAsync(Guid id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDb>().Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    /// <summary>The wrong passwords the lockout counts for the account now.</summary>
    public async Task<int> FailuresAsync(User user)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountLockout>().FailuresAsync(user, CredentialKind.Password);
    }

    public async Task<User?> FindStoredUserAsync(Guid id)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RosterDb>().Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
    }

    /// <summary>Runs <paramref name="action"/> with the services of a scope of its own, as one request would.</summary>
    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task<T> QueryAsync<T>(Func<RosterDb, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RosterDb>());
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dataFolder.Dispose();
    }
}
