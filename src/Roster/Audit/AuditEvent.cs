namespace Roster.Audit;

public sealed class AuditEvent
{
    public Guid Id { get; set; }
    public DateTime At { get; set; }
    public string Action { get; set; } = "";
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public Guid? TargetId { get; set; }
    public string? TargetName { get; set; }
    public string? ClientAddress { get; set; }
    public string? Details { get; set; }
}
