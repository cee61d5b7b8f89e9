namespace Roster.Outbox;

public enum OutboxChannel
{
    Email = 0,

    /// <summary>An OpenID Connect back-channel logout: <see cref="OutboxMessage.To"/> is the app's client id, the text body names the subject and session.</summary>
    BackChannelLogout = 1,

    /// <summary>
    /// Someone asked for a password reset: the text body holds what they typed. The sender looks for the account
    /// and queues the email, so the answer to the request costs the same whether or not the account exists.
    /// </summary>
    PasswordResetRequest = 2,

    /// <summary>
    /// Bring one app's SCIM service provider in step with Roster: <see cref="OutboxMessage.To"/> is the app's id, the
    /// subject names what to reconcile (a person, a group, or everything). The job reads the current state when it runs.
    /// </summary>
    Scim = 3,
}

/// <summary>
/// A message waiting to leave Roster: an email, a logout notice to an app, a SCIM push. It is added in the same
/// transaction as the change that causes it, so a crash can neither lose it nor send it for a change
/// that was rolled back.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public OutboxChannel Channel { get; set; }
    public DateTime CreatedAt { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";
    public string HtmlBody { get; set; } = "";
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>When delivery was abandoned because no retry could succeed (a refused address); <see cref="LastError"/> says why.</summary>
    public DateTime? GaveUpAt { get; set; }
}
