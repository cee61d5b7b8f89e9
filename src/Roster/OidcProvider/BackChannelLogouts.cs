using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Outbox;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>
/// Back-channel logout notices (Back-Channel Logout 1.0 section 2.5), carried by the outbox so they
/// survive crashes and are retried like emails. The logout token is signed at delivery time, so a retry
/// is never refused as stale; the app's current back-channel URI is used.
/// </summary>
public sealed class BackChannelLogouts(RosterDb db, OutboxQueue outbox, IClientStore clients, TokenIssuer tokens, OutboundHttp http) : IOutboxChannel
{
    public OutboxChannel Channel => OutboxChannel.BackChannelLogout;

    private sealed record Notice(string Subject, string SessionId);

    public void Enqueue(string clientId, string subject, string sessionId) =>
        outbox.Add(db, OutboxChannel.BackChannelLogout, clientId, "Back-channel logout", JsonSerializer.Serialize(new Notice(subject, sessionId)));

    /// <summary>
    /// Posts the logout token. Throws when the app does not confirm with a 2xx, so the outbox retries; returns
    /// the refusal when the URI's address may not be reached, which no retry can change.
    /// </summary>
    public async Task<Error?> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var notice = JsonSerializer.Deserialize<Notice>(message.TextBody)!;
        // Read here rather than from the cached client: whether an admin vouched for the URI decides where it may go.
        var target = await db.Apps.AsNoTracking()
            .Where(a => a.ClientId == message.To && a.DirectoryMode == DirectoryMode.UseRoster && a.BackChannelLogoutUri != null)
            .Select(a => new { Uri = a.BackChannelLogoutUri!, Trusted = a.BackChannelLogoutUriTrusted })
            .SingleOrDefaultAsync(cancellationToken);
        // An app deleted, or its logout URI removed, since: there is no one left to tell.
        if (target is null || await clients.FindAsync(message.To, cancellationToken) is not { } client)
            return null;
        var token = await tokens.LogoutTokenAsync(client, notice.Subject, notice.SessionId, cancellationToken);
        var sent = await http.PostAsync(new Uri(target.Uri), new FormUrlEncodedContent([KeyValuePair.Create("logout_token", token)]),
            allowPrivate: target.Trusted, cancellationToken);
        if (!sent.Succeeded)
            return sent.Errors[0];
        if (!sent.Value!.Succeeded)
            throw new HttpRequestException($"{client.Name} answered the back-channel logout with {(int)sent.Value.Status}.");
        return null;
    }
}
