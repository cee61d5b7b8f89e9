using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;

namespace Roster.Transfer;

/// <summary>
/// The apps of a Roster export. An app whose client id exists is skipped. A confidential app exported without its
/// secret gets a random one nobody knows, so it stays confidential; its admin issues a new secret on its page.
/// </summary>
public sealed class AppsCheck(RosterDb db, TimeProvider clock)
{
    public async Task CheckAsync(ImportSource source, PreparedImport prepared, CancellationToken cancellationToken)
    {
        if (source.Apps.Count == 0)
            return;
        var now = clock.GetUtcNow().UtcDateTime;
        var clientIds = (await db.Apps.AsNoTracking().Select(a => a.ClientId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var ids = (await db.Apps.AsNoTracking().Select(a => a.Id).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var (line, app) in source.Apps.Select(a => (a.Line, a.App)))
        {
            var errors = Problems(app, prepared).ToList();
            if (errors.Count > 0)
            {
                prepared.Problems.Add(new(line, $"App {app.Name}: {string.Join(" ", errors)}"));
                continue;
            }
            if (!clientIds.Add(app.ClientId))
            {
                prepared.Lines.Add(new(line, "app", app.Name, ImportAction.Skip, $"an app with client id {app.ClientId} exists"));
                continue;
            }
            var created = new App
            {
                Id = ids.Add(app.Id) ? app.Id : Guid.CreateVersion7(),
                Name = app.Name, ClientId = app.ClientId, LaunchUrl = app.LaunchUrl ?? "", Description = app.Description ?? "",
                DirectoryMode = Enum.Parse<DirectoryMode>(app.DirectoryMode), Access = Enum.Parse<AppAccess>(app.Access),
                RedirectUris = app.RedirectUris ?? "", PostLogoutRedirectUris = app.PostLogoutRedirectUris ?? "",
                BackChannelLogoutUri = app.BackChannelLogoutUri, ApiScopes = app.ApiScopes ?? "", RequirePkce = app.RequirePkce,
                OfflineAccess = app.OfflineAccess, AlwaysIssueRefreshTokens = app.AlwaysIssueRefreshTokens,
                RequireConsent = app.RequireConsent, AllowDeviceGrant = app.AllowDeviceGrant,
                TokenSigningAlgorithm = app.TokenSigningAlgorithm,
                ClientSecretHash = app.Confidential ? app.ClientSecretHash ?? Secrets.Hash(Secrets.New()) : null,
                LdapPasswordHash = app.HasLdapServiceAccount ? app.LdapPasswordHash : null,
                CreatedAt = now, UpdatedAt = now,
            };
            prepared.Apps.Add(created);
            prepared.AppGroups.AddRange(app.Groups.Select(g => new AppGroup { AppId = created.Id, GroupId = prepared.GroupsByName[g.ToUpperInvariant()] }));
            prepared.AppOperators.AddRange(app.Operators.Select(o => new AppOperator { AppId = created.Id, UserId = prepared.PeopleByName[o.ToUpperInvariant()] }));
            foreach (var role in app.Roles ?? [])
            {
                var appRole = new AppRole { Id = Guid.CreateVersion7(), AppId = created.Id, Name = role.Name, Description = role.Description ?? "", CreatedAt = now };
                prepared.AppRoles.Add(appRole);
                prepared.AppRoleHolders.AddRange((role.Groups ?? []).Select(g => new AppRoleHolder { Id = Guid.CreateVersion7(), RoleId = appRole.Id, GroupId = prepared.GroupsByName[g.ToUpperInvariant()] }));
                prepared.AppRoleHolders.AddRange((role.People ?? []).Select(p => new AppRoleHolder { Id = Guid.CreateVersion7(), RoleId = appRole.Id, UserId = prepared.PeopleByName[p.ToUpperInvariant()] }));
            }
            var notes = new List<string>();
            if (app.Confidential && app.ClientSecretHash is null)
                notes.Add("issue a new client secret on its page");
            if (app.HasLdapServiceAccount && app.LdapPasswordHash is null)
                notes.Add("set a new LDAP service account password");
            prepared.Lines.Add(new(line, "app", app.Name, ImportAction.Create, string.Join("; ", notes)));
        }
    }

    private static IEnumerable<string> Problems(ExportApp app, PreparedImport prepared)
    {
        if (string.IsNullOrWhiteSpace(app.Name) || app.Name.Length > 100)
            yield return "the name must have 1 to 100 characters.";
        if (string.IsNullOrEmpty(app.ClientId) || app.ClientId.Length > 64 || !app.ClientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            yield return "the client id must have 1 to 64 letters, digits, dots, hyphens and underscores.";
        if (!Enum.TryParse<DirectoryMode>(app.DirectoryMode, out _) || !Enum.TryParse<AppAccess>(app.Access, out _))
            yield return "directoryMode or access is not one Roster knows.";
        if (app.TokenSigningAlgorithm is not ("RS256" or "ES256"))
            yield return "tokenSigningAlgorithm must be RS256 or ES256.";
        if (new[] { app.ClientSecretHash, app.LdapPasswordHash }.Any(h => h is not null && (h.Length != 64 || !h.All(char.IsAsciiHexDigitLower))))
            yield return "a secret hash is not a SHA-256 in lower-case hex.";
        if ((app.RedirectUris?.Length ?? 0) > 4000 || (app.PostLogoutRedirectUris?.Length ?? 0) > 4000 || (app.LaunchUrl?.Length ?? 0) > 2000 ||
            (app.Description?.Length ?? 0) > 1000 || (app.BackChannelLogoutUri?.Length ?? 0) > 2000)
            yield return "a field is longer than Roster allows.";
        foreach (var group in (app.Groups ?? []).Where(g => !prepared.GroupsByName.ContainsKey(g.ToUpperInvariant())))
            yield return $"its access names the group {group}, which is not in the file or in Roster.";
        foreach (var person in (app.Operators ?? []).Where(o => !prepared.PeopleByName.ContainsKey(o.ToUpperInvariant())))
            yield return $"its operator {person} is not in the file or in Roster.";
        var roles = app.Roles ?? [];
        if (roles.Count > AppRoles.MaxRolesPerApp || roles.DistinctBy(r => r.Name?.ToUpperInvariant()).Count() != roles.Count)
            yield return $"it has more than {AppRoles.MaxRolesPerApp} roles, or two with one name.";
        foreach (var role in roles)
        {
            if (!AppRoles.IsName(role.Name ?? "") || (role.Description?.Length ?? 0) > AppRoles.MaxDescriptionLength)
                yield return $"the role {role.Name} has a name or description Roster does not accept.";
            foreach (var group in (role.Groups ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Where(g => !prepared.GroupsByName.ContainsKey(g.ToUpperInvariant())))
                yield return $"its role {role.Name} names the group {group}, which is not in the file or in Roster.";
            foreach (var person in (role.People ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Where(p => !prepared.PeopleByName.ContainsKey(p.ToUpperInvariant())))
                yield return $"its role {role.Name} names {person}, who is not in the file or in Roster.";
            if ((role.Groups ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Count() != (role.Groups?.Count ?? 0) ||
                (role.People ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Count() != (role.People?.Count ?? 0))
                yield return $"its role {role.Name} names a holder twice.";
        }
    }
}
