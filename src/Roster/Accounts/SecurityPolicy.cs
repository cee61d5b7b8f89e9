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

    /// <summary>
    /// Whether people held to two-factor bind over LDAP with app passwords only. A new install starts with it on;
    /// migration 0017 turns it off on an install that already had people, so an upgrade breaks no one's mail client.
    /// </summary>
    public const string LdapAppPasswordsOnlyKey = "Ldap.AppPasswordsOnlyForTwoFactor";

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

    /// <summary>
    /// Held to two-factor: has it on, or the policy requires it of them (they will be made to set it up at their next
    /// sign-in). Their password alone is one factor, which LDAP could otherwise accept for them.
    /// </summary>
    public async Task<bool> HeldToTwoFactorAsync(User user, CancellationToken cancellationToken) =>
        user.TwoFactorEnabled || await RequiresTwoFactorAsync(user, cancellationToken);

    public async Task<bool> LdapAppPasswordsOnlyAsync(CancellationToken cancellationToken) =>
        await db.Settings.AsNoTracking().Where(s => s.Key == LdapAppPasswordsOnlyKey).Select(s => s.Value).SingleOrDefaultAsync(cancellationToken) != "false";

    /// <summary>Whether an LDAP bind with this person's own password is refused: the setting is on and they are held to two-factor.</summary>
    public async Task<bool> BindsWithAppPasswordsOnlyAsync(User user, CancellationToken cancellationToken) =>
        await LdapAppPasswordsOnlyAsync(cancellationToken) && await HeldToTwoFactorAsync(user, cancellationToken);

    public async Task<Result<bool>> SetLdapAppPasswordsOnlyAsync(Actor actor, bool on, CancellationToken cancellationToken)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        await SaveAsync(LdapAppPasswordsOnlyKey, on ? "true" : "false", cancellationToken);
        audit.Record(AuditActions.SettingsChanged, actor, details: $"people held to two-factor bind over LDAP with app passwords only: {(on ? "yes" : "no")}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<bool>.Ok(on);
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
