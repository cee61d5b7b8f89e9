using Roster.Accounts;
using Roster.Data;

namespace Roster.Audit;

/// <summary>
/// The one way to record who did what. Events are added to the caller's unit of work, so an event is
/// stored exactly when the change it describes is.
/// </summary>
public sealed class AuditLog(RosterDb db, TimeProvider clock, IHttpContextAccessor http)
{
    public void Record(string action, User? actor, User? target = null, string? details = null)
    {
        db.AuditEvents.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = clock.GetUtcNow().UtcDateTime,
            Action = action,
            ActorId = actor?.Id,
            ActorName = actor?.UserName ?? actor?.Email,
            TargetId = target?.Id,
            TargetName = target?.UserName ?? target?.Email,
            ClientAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Details = details,
        });
    }
}

public static class AuditActions
{
    public const string OwnerCreated = "owner.created";
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in.failed";
    public const string SignOut = "sign-out";
    public const string PasswordResetRequested = "password-reset.requested";
    public const string PasswordReset = "password-reset.completed";
}
