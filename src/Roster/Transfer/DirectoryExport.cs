using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Apps;
using Roster.Audit;
using Roster.Data;

namespace Roster.Transfer;

/// <summary>
/// The directory as one <see cref="ExportDocument"/>. Password hashes are in it (they are what lets people keep their
/// passwords); app secrets only when asked, since a client secret's hash is enough to impersonate nobody but is still
/// the app's credential check; so are authenticator keys (unprotected, so the importing instance can protect them with its
/// own keys) and recovery code hashes. Passkeys and app passwords stay behind: passkeys are bound to this instance's origin.
/// </summary>
public sealed class DirectoryExport(RosterDb db, AuditLog audit, IDataProtectionProvider protection, TimeProvider clock)
{
    public async Task<Result<ExportDocument>> ExportAsync(Actor actor, bool withSecrets, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return TransferErrors.Forbidden;
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Name).ToListAsync(cancellationToken);
        var groupNames = groups.ToDictionary(g => g.Id, g => g.Name);
        var memberships = (await db.GroupMembers.AsNoTracking().Select(m => new { m.UserId, m.GroupId }).ToListAsync(cancellationToken))
            .ToLookup(m => m.UserId, m => groupNames[m.GroupId]);
        var people = await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToListAsync(cancellationToken);
        var usernames = people.ToDictionary(u => u.Id, u => u.UserName);
        var appGroups = (await db.AppGroups.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(a => a.AppId, a => groupNames[a.GroupId]);
        var operators = (await db.AppOperators.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(a => a.AppId, a => usernames[a.UserId]);
        var apps = await db.Apps.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
        var holders = (await db.AppRoleHolders.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(h => h.RoleId);
        var roles = (await db.AppRoles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken)).ToLookup(r => r.AppId, r => new ExportRole(r.Name, r.Description,
            [.. holders[r.Id].Where(h => h.GroupId is not null).Select(h => groupNames[h.GroupId!.Value]).Order(StringComparer.Ordinal)],
            [.. holders[r.Id].Where(h => h.UserId is not null).Select(h => usernames[h.UserId!.Value]).OfType<string>().Order(StringComparer.Ordinal)]));
        var twoFactor = withSecrets ? await TwoFactorAsync(cancellationToken) : [];

        var document = new ExportDocument(ExportDocument.FormatName, ExportDocument.CurrentVersion, clock.GetUtcNow().UtcDateTime, withSecrets,
            // Invited people who have not accepted have only an unusable random password: exported without it.
            [.. people.Select(u => new ExportPerson(u.Id, u.UserName, u.Email ?? "", u.Name, u.Role, u.Enabled, u.EmailConfirmed, u.EmailVisible,
                u.InvitationPending ? null : u.PasswordHash, u.CreatedAt, [.. memberships[u.Id].Order(StringComparer.Ordinal)],
                u.InvitationPending, u.TwoFactorEnabled, u.TwoFactorEnabled ? twoFactor.GetValueOrDefault(u.Id) : null))],
            [.. groups.Select(g => new ExportGroup(g.Id, g.Name, g.Description))],
            [.. apps.Select(a => Export(a, withSecrets, [.. appGroups[a.Id].Order(StringComparer.Ordinal)], [.. operators[a.Id].OfType<string>().Order(StringComparer.Ordinal)],
                [.. roles[a.Id]]))]);
        audit.Record(AuditActions.ExportWritten, actor, details:
            $"{document.People.Count} people, {document.Groups.Count} groups, {document.Apps.Count} apps{(withSecrets ? ", with secrets" : "")}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<ExportDocument>.Ok(document);
    }

    private async Task<Dictionary<Guid, ExportTwoFactor>> TwoFactorAsync(CancellationToken cancellationToken)
    {
        var protector = protection.CreateProtector(TwoFactor.KeyPurpose);
        var codes = (await db.RecoveryCodes.AsNoTracking().Where(c => c.UsedAt == null).ToListAsync(cancellationToken)).ToLookup(c => c.UserId, c => c.CodeHash);
        return (await db.TwoFactorKeys.AsNoTracking().Where(k => k.ConfirmedAt != null).ToListAsync(cancellationToken)).ToDictionary(k => k.UserId, k =>
            new ExportTwoFactor(Convert.ToBase64String(protector.Unprotect(Convert.FromBase64String(k.ProtectedKey))), k.LastUsedStep, [.. codes[k.UserId].Order(StringComparer.Ordinal)]));
    }

    private static ExportApp Export(App app, bool withSecrets, IReadOnlyList<string> groups, IReadOnlyList<string> operators, IReadOnlyList<ExportRole> roles) => new(
        app.Id, app.Name, app.ClientId, app.LaunchUrl, app.Description, app.DirectoryMode.ToString(), app.Access.ToString(), groups, operators,
        app.RedirectUris, app.PostLogoutRedirectUris, app.BackChannelLogoutUri, app.ApiScopes, app.RequirePkce, app.OfflineAccess,
        app.AlwaysIssueRefreshTokens, app.TokenSigningAlgorithm, app.ClientSecretHash is not null, app.LdapPasswordHash is not null,
        withSecrets ? app.ClientSecretHash : null, withSecrets ? app.LdapPasswordHash : null, app.RequireConsent, app.AllowDeviceGrant, roles);
}
