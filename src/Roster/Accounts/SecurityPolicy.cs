using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;

namespace Roster.Accounts;

/// <summary>A setting Roster keeps in its database, shared by every instance.</summary>
public sealed class Setting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

public sealed record TwoFactorPolicy(bool RequiredForAdmins, IReadOnlyList<Guid> RequiredForGroups);

/// <summary>
/// Who must use two-factor authentication: admins and owners, members of chosen groups, or both. People
/// the policy covers who have not set it up are sent to set it up after their next password sign-in,
/// and can do nothing else until they have.
/// </summary>
public sealed class SecurityPolicy(RosterDb db, IPolicyGroups groups, AuditLog audit)
{
    private const string AdminsKey = "TwoFactor.RequiredForAdmins";
    private const string GroupsKey = "TwoFactor.RequiredForGroups";

    public async Task<TwoFactorPolicy> TwoFactorAsync(CancellationToken cancellationToken)
    {
        var values = await db.Settings.AsNoTracking().Where(s => s.Key == AdminsKey || s.Key == GroupsKey).ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        var groups = values.GetValueOrDefault(GroupsKey, "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(g => Guid.TryParse(g, out var id) ? id : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        return new TwoFactorPolicy(values.GetValueOrDefault(AdminsKey) == "true", groups);
    }

    public async Task<bool> RequiresTwoFactorAsync(User user, CancellationToken cancellationToken)
    {
        var policy = await TwoFactorAsync(cancellationToken);
        return policy.RequiredForAdmins && Permissions.IsAdmin(user.Role) ||
            policy.RequiredForGroups.Count > 0 && await groups.AnyHasMemberAsync(policy.RequiredForGroups, user.Id, cancellationToken);
    }

    public async Task<Result<TwoFactorPolicy>> SetTwoFactorAsync(Actor actor, TwoFactorPolicy policy, CancellationToken cancellationToken)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        var known = await groups.NamesAsync(policy.RequiredForGroups, cancellationToken);
        if (known.Count != policy.RequiredForGroups.Distinct().Count())
            return new Error("policy.groups_unknown", "One of the chosen groups no longer exists. Reload and choose again.", "Groups");
        await SaveAsync(AdminsKey, policy.RequiredForAdmins ? "true" : "false", cancellationToken);
        await SaveAsync(GroupsKey, string.Join(',', policy.RequiredForGroups.Distinct()), cancellationToken);
        audit.Record(AuditActions.SettingsChanged, actor, details:
            $"two-factor required for admins: {(policy.RequiredForAdmins ? "yes" : "no")}; for groups: {(known.Count == 0 ? "none" : string.Join(", ", known.Order()))}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<TwoFactorPolicy>.Ok(policy);
    }

    private async Task SaveAsync(string key, string value, CancellationToken cancellationToken)
    {
        var setting = await db.Settings.FindAsync([key], cancellationToken);
        if (setting is null)
            db.Settings.Add(new Setting { Key = key, Value = value });
        else
            setting.Value = value;
    }
}
