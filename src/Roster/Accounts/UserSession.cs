namespace Roster.Accounts;

/// <summary>
/// A dashboard session, one per sign-in, named by the cookie's <c>sid</c>. The person sees their sessions
/// on /account and can end any; an ended session's cookie is refused at its next request.
/// </summary>
public sealed class UserSession
{
    public string Id { get; set; } = "";
    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public string Address { get; set; } = "";
    public string Device { get; set; } = "";
    public DateTime? EndedAt { get; set; }
}
