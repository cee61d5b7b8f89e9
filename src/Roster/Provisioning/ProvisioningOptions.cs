namespace Roster.Provisioning;

/// <summary>Roster:Scim — how often every connected app is reconciled in full, besides the pushes of each change.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Roster:Scim";

    /// <summary>Between two full reconciliations of each app; at least a minute.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromHours(6);
}
