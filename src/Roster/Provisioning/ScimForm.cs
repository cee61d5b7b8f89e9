namespace Roster.Provisioning;

/// <summary>What the SCIM form shows: the stored settings, or what was typed with its refusals. The token field is always empty.</summary>
public sealed record ScimForm(Guid AppId, bool Enabled, string BaseUrl, Deprovisioning Deprovision, IReadOnlyList<Error> Errors)
{
    public static ScimForm From(ScimStatus status) => new(status.AppId, status.Enabled, status.BaseUrl, status.Deprovision, []);

    public IReadOnlyList<string> ErrorsOf(string field) => [.. Errors.Where(e => e.Field == field).Select(e => e.Message)];

    public IReadOnlyList<string> OtherErrors => [.. Errors.Where(e => e.Field is not ("ScimUrl" or "ScimToken" or "ScimDeprovision")).Select(e => e.Message)];
}
