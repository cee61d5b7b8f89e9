using System.Text.Json;
using Roster.Data;
using Roster.Mail;

namespace Roster.Oidc;

/// <summary>
/// Back-channel logout notices (Back-Channel Logout 1.0 section 2.5), carried by the outbox so they
/// survive crashes and are retried like emails. The logout token is signed at delivery time, so a retry
/// is never refused as stale; the app's current back-channel URI is used.
/// </summary>
public sealed class BackChannelLogouts(RosterDb db, TimeProvider clock, IClientStore clients, TokenIssuer tokens)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        // A logout URI answers; it does not send Roster elsewhere.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private sealed record Notice(string Subject, string SessionId);

    public void Enqueue(string clientId, string subject, string sessionId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Channel = OutboxChannel.BackChannelLogout,
            CreatedAt = now,
            To = clientId,
            Subject = "Back-channel logout",
            TextBody = JsonSerializer.Serialize(new Notice(subject, sessionId)),
            NextAttemptAt = now,
        });
    }

    /// <summary>Posts the logout token; throws when the app does not confirm with a 2xx, so the outbox retries.</summary>
    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var notice = JsonSerializer.Deserialize<Notice>(message.TextBody)!;
        // An app deleted, or its logout URI removed, since: there is no one left to tell.
        if (await clients.FindAsync(message.To, cancellationToken) is not { BackChannelLogoutUri: { } uri } client)
            return;
        var token = await tokens.LogoutTokenAsync(client, notice.Subject, notice.SessionId, cancellationToken);
        using var response = await Http.PostAsync(uri, new FormUrlEncodedContent([KeyValuePair.Create("logout_token", token)]), cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{client.Name} answered the back-channel logout with {(int)response.StatusCode}.");
    }
}
