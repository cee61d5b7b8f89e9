using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>Personal API tokens: created on /account, shown once, stored hashed, revocable.</summary>
public sealed class ApiTokens(RosterDb db, AuditLog audit, TimeProvider clock)
{
    public const string Prefix = "rst_";

    public async Task<Result<string>> CreateAsync(User owner, string name, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
            return new Error("token.name", "Give the token a name of 1 to 100 characters, such as the script that will use it.", "TokenName");
        var secret = Prefix + Secrets.New();
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = owner.Id,
            Name = name,
            TokenHash = Secrets.Hash(secret),
            Prefix = secret[..10],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        audit.Record(AuditActions.ApiTokenCreated, Actor.For(owner), owner, name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<string>.Ok(secret);
    }

    public Task<List<ApiToken>> ListAsync(User owner, CancellationToken cancellationToken = default) =>
        db.ApiTokens.AsNoTracking().Where(t => t.UserId == owner.Id).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);

    public async Task<bool> RevokeAsync(User owner, Guid id, CancellationToken cancellationToken = default)
    {
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == id && t.UserId == owner.Id, cancellationToken);
        if (token is null)
            return false;
        db.ApiTokens.Remove(token);
        audit.Record(AuditActions.ApiTokenRevoked, Actor.For(owner), owner, token.Name);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

/// <summary>
/// "Authorization: Bearer rst_…" for /api/v1. The token is found by its hash (an index lookup; nothing
/// about the secret is compared byte by byte), and acts with its owner's current role.
/// </summary>
public sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RosterDb db,
    IUserClaimsPrincipalFactory<User> principals,
    FailedTokenAttempts failures,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private bool throttled;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttled = failures.IsBlocked(address))
            return AuthenticateResult.Fail("Too many failed API token checks from this address.");
        var hash = Secrets.Hash(header["Bearer ".Length..].Trim());
        var found = await db.ApiTokens
            .Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null || !found.User.Enabled)
        {
            failures.Record(address);
            return AuthenticateResult.Fail("The API token is unknown, revoked, or belongs to a disabled account.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            found.Token.LastUsedAt = now;
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        var principal = await principals.CreateAsync(found.User);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (throttled)
        {
            Response.Headers.RetryAfter = "60";
            await Results.Problem(statusCode: 429, title: "Too many attempts",
                detail: "Too many failed API token checks from your address. Wait a minute, then try again.").ExecuteAsync(Context);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "Authentication required",
            detail: "Send a personal API token (create one on /account) as \"Authorization: Bearer rst_…\".").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem(statusCode: 403, title: "Forbidden", detail: "Your role does not allow this.").ExecuteAsync(Context);
}
