using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Data;
using Roster.Outbox;

namespace Roster.Provisioning;

/// <summary>What is asked of an app's SCIM settings. A null or empty token keeps the one stored.</summary>
public sealed record ScimSettingsRequest(bool Enabled, string? BaseUrl, string? Token, bool RemoveToken, Deprovisioning Deprovision);

/// <summary>An app's SCIM settings and how its pushes went; never the token, only whether one is set.</summary>
public sealed record ScimStatus(
    Guid AppId, bool Enabled, string BaseUrl, bool BaseUrlTrusted, bool TokenSet, Deprovisioning Deprovision,
    DateTime? LastSuccessAt, DateTime? LastErrorAt, string? LastError, DateTime? LastSyncAt, int Pending);

/// <summary>
/// Connecting an app to its SCIM service provider, and "sync now": admins and the app's operators, as for the app's other
/// settings (<see cref="AppAccessPolicy.MayConfigureAsync"/>). Every change is audited without the token.
/// </summary>
public sealed class ScimSettings(RosterDb db, AppAccessPolicy access, ScimTokens tokens, ScimJobs jobs, AuditLog audit, TimeProvider clock)
{
    public const int MaxUrl = 2000;
    public const int MaxToken = 4096;
    public const int MaxError = 1000;
    public const int MaxRemoteId = 200;

    public async Task<Result<ScimStatus>> StatusAsync(Actor actor, Guid appId, CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        return Result<ScimStatus>.Ok(await ReadAsync(appId, cancellationToken));
    }

    public async Task<Result<ScimStatus>> UpdateAsync(Actor actor, Guid appId, ScimSettingsRequest request, CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        var connection = await db.ScimConnections.SingleOrDefaultAsync(c => c.AppId == appId, cancellationToken);
        var byAdmin = Permissions.IsAdmin(actor.Role);
        var url = UserRules.Clean(request.BaseUrl);
        // An operator saving the form again leaves an admin's URL as the admin vouched for it.
        var kept = connection is not null && url == connection.BaseUrl;
        var errors = new List<Error>();
        if (url.Length > 0 && !(kept && !byAdmin))
            errors.AddRange(UrlErrors(url, byAdmin));
        var token = request.Token ?? "";
        if (token.Length > 0)
            errors.AddRange(TokenErrors(token));
        var tokenAfter = token.Length > 0 || !request.RemoveToken && connection?.ProtectedToken is not null;
        if (request.Enabled && (url.Length == 0 || !tokenAfter))
            errors.Add(new("scim.incomplete", "Give the SCIM base URL and a bearer token before turning provisioning on.", url.Length == 0 ? "ScimUrl" : "ScimToken"));
        if (!Enum.IsDefined(request.Deprovision))
            errors.Add(new("scim.deprovision", "Choose to deactivate or to delete people removed from Roster.", "ScimDeprovision"));
        if (errors.Count > 0)
            return Result<ScimStatus>.Fail(errors);

        // Encrypted before anything is written: the first use of the key ring writes to the database.
        var protectedToken = token.Length > 0 ? tokens.Protect(token) : null;
        var app = await db.Apps.SingleAsync(a => a.Id == appId, cancellationToken);
        if (connection is null)
            db.ScimConnections.Add(connection = new ScimConnection { AppId = appId });
        var changedUrl = connection.BaseUrl != url;
        if (changedUrl)
        {
            // Another provider: the ids the old one gave mean nothing there.
            db.ScimResources.RemoveRange(await db.ScimResources.Where(r => r.AppId == appId).ToListAsync(cancellationToken));
            connection.LastSuccessAt = connection.LastErrorAt = connection.LastSyncAt = null;
            connection.LastError = null;
        }
        connection.BaseUrl = url;
        connection.BaseUrlTrusted = url.Length > 0 && (byAdmin || kept && connection.BaseUrlTrusted);
        if (protectedToken is not null)
            connection.ProtectedToken = protectedToken;
        else if (request.RemoveToken)
            connection.ProtectedToken = null;
        var turnedOn = request.Enabled && (!connection.Enabled || changedUrl || protectedToken is not null);
        connection.Enabled = request.Enabled;
        connection.Deprovision = request.Deprovision;
        connection.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        // Everyone is pushed when provisioning starts, or starts again against another provider or with another token.
        if (turnedOn)
            jobs.Enqueue(db, appId, ScimJobs.Sync);
        var tokenNote = protectedToken is not null ? "token replaced" : request.RemoveToken ? "token removed" : "token kept";
        audit.Record(AuditActions.AppScimChanged, actor, details:
            $"{app.Name}: {(request.Enabled ? "on" : "off")}, {(url.Length == 0 ? "no URL" : url)}, {tokenNote}, {request.Deprovision.ToString().ToLowerInvariant()} on deletion");
        await db.SaveChangesAsync(cancellationToken);
        return Result<ScimStatus>.Ok(await ReadAsync(appId, cancellationToken));
    }

    /// <summary>Queues a full reconciliation (list, compare, fix) of the app's provider.</summary>
    public async Task<Result<ScimStatus>> SyncNowAsync(Actor actor, Guid appId, CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(actor, appId, cancellationToken) is { } refusal)
            return refusal;
        var connection = await db.ScimConnections.AsNoTracking().SingleOrDefaultAsync(c => c.AppId == appId, cancellationToken);
        if (connection is not { Enabled: true })
            return new Error("scim.off", "SCIM provisioning is off for this app: set it up and turn it on first.");
        var name = await db.Apps.Where(a => a.Id == appId).Select(a => a.Name).SingleAsync(cancellationToken);
        jobs.Enqueue(db, appId, ScimJobs.Sync);
        audit.Record(AuditActions.AppScimSync, actor, details: name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<ScimStatus>.Ok(await ReadAsync(appId, cancellationToken));
    }

    private async Task<Error?> CheckAsync(Actor actor, Guid appId, CancellationToken cancellationToken)
    {
        if (!await db.Apps.AnyAsync(a => a.Id == appId, cancellationToken))
            return AppErrors.NotFound;
        return await access.MayConfigureAsync(actor, appId, cancellationToken) ? null : UserErrors.Forbidden;
    }

    private async Task<ScimStatus> ReadAsync(Guid appId, CancellationToken cancellationToken)
    {
        var c = await db.ScimConnections.AsNoTracking().SingleOrDefaultAsync(c => c.AppId == appId, cancellationToken) ?? new ScimConnection { AppId = appId };
        var key = appId.ToString();
        var pending = await db.Outbox.CountAsync(m => m.Channel == OutboxChannel.Scim && m.To == key && m.SentAt == null && m.GaveUpAt == null, cancellationToken);
        return new ScimStatus(appId, c.Enabled, c.BaseUrl, c.BaseUrlTrusted, c.ProtectedToken is not null, c.Deprovision,
            c.LastSuccessAt, c.LastErrorAt, c.LastError, c.LastSyncAt, pending);
    }

    /// <summary>
    /// Admins may name any http(s) address; an app's operator only a public one. Nobody may name link-local or metadata
    /// addresses. The URL carries no credentials, query or fragment: the token travels in its header only. Names are
    /// checked again, as resolved, at every request (<see cref="OutboundHttp"/>).
    /// </summary>
    private static IEnumerable<Error> UrlErrors(string url, bool byAdmin)
    {
        Error Refused(string why) => new("scim.url", $"\"{Shorten(url)}\" cannot be a SCIM base URL: {why}", "ScimUrl");
        if (url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp ||
            uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || url.Contains('#') || url.Contains('?'))
        {
            yield return Refused("use an absolute https:// (or http://) address without a user name, ?query or #fragment.");
            yield break;
        }
        var kind = OutboundAddresses.ClassifyHost(uri.Host);
        if (kind == AddressKind.Forbidden)
            yield return Refused("its address is link-local, a cloud metadata service or otherwise reserved, and Roster never contacts it.");
        else if (kind == AddressKind.Private && !byAdmin)
            yield return Refused("it points at a loopback or private address, which only an admin may choose.");
    }

    private static IEnumerable<Error> TokenErrors(string token)
    {
        if (token.Length > MaxToken)
            yield return new("scim.token", $"A bearer token can have at most {MaxToken} characters.", "ScimToken");
        else if (token.Any(c => c is < '!' or > '~'))
            yield return new("scim.token", "A bearer token is made of visible ASCII characters, without spaces or line breaks.", "ScimToken");
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
