namespace Roster.Provisioning;

/// <summary>What Roster does at an app's SCIM service provider when someone may no longer use the app because they were deleted.</summary>
public enum Deprovisioning
{
    /// <summary>Keep the account there, marked <c>active: false</c> (RFC 7643 section 4.1.1): its data stays in the app.</summary>
    Deactivate = 0,

    /// <summary>DELETE the account there (RFC 7644 section 3.6).</summary>
    Delete = 1,
}

/// <summary>
/// One app's SCIM 2.0 service provider (RFC 7644): where it is, the bearer token it gave Roster, and how the pushes
/// went. Someone disabled or no longer allowed is always deactivated; <see cref="Deprovision"/> decides deletions.
/// </summary>
public sealed class ScimConnection
{
    public Guid AppId { get; set; }
    public bool Enabled { get; set; }

    /// <summary>The base URL, resources live at &lt;base&gt;/Users and &lt;base&gt;/Groups.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>
    /// Whether an admin set the current base URL, and so vouched for it: only then may Roster reach a loopback or
    /// private address there (<see cref="Roster.Kernel.OutboundHttp"/>). An operator's URL must be public.
    /// </summary>
    public bool BaseUrlTrusted { get; set; }

    /// <summary>The bearer token, encrypted with ASP.NET Data Protection; Roster must send it, so it cannot be a hash. Never shown again.</summary>
    public string? ProtectedToken { get; set; }

    public Deprovisioning Deprovision { get; set; }

    public DateTime? LastSuccessAt { get; set; }
    public DateTime? LastErrorAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastSyncAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum ScimResourceKind
{
    User = 0,
    Group = 1,
}

/// <summary>
/// The id a service provider gave a person or group Roster pushed to it (RFC 7643 section 3.1: "id" is the provider's,
/// "externalId" ours). A row also marks the resource as one Roster manages; others there are never touched. It outlives
/// the person or group it stands for, so a deletion can still reach the app.
/// </summary>
public sealed class ScimResource
{
    public Guid AppId { get; set; }
    public ScimResourceKind Kind { get; set; }
    public Guid LocalId { get; set; }
    public string RemoteId { get; set; } = "";
}
