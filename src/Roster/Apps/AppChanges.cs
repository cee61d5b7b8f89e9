using Microsoft.EntityFrameworkCore;
using Roster.Audit;
using Roster.Data;
using Roster.Accounts;

namespace Roster.Apps;

public sealed record AppSettings(
    string? Name, string? LaunchUrl, string? Description, DirectoryMode DirectoryMode, AppAccess Access,
    IReadOnlyCollection<Guid> Groups, AvatarUpload? Icon = null, bool RemoveIcon = false);

/// <summary>Registering, configuring and deleting apps. Admins do all of it; an app's operators configure that app only.</summary>
public sealed class AppChanges(RosterDb db, AppAccessPolicy access, AccountLookup users, AuditLog audit, ClientCache clients, TimeProvider clock)
{

    public async Task<Result<App>> RegisterAsync(Actor actor, AppSettings settings, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        var app = new App { Id = Guid.CreateVersion7(), ClientId = AppSignOn.NewClientId(), CreatedAt = Now() };
        var errors = await ApplyAsync(app, settings, cancellationToken);
        if (errors.Count > 0)
            return Result<App>.Fail(errors);
        db.Apps.Add(app);
        audit.Record(AuditActions.AppRegistered, actor, details: app.Name);
        await db.SaveChangesAsync(cancellationToken);
        return Result<App>.Ok(app);
    }

    public async Task<Result<App>> UpdateAsync(Actor actor, Guid id, AppSettings settings, CancellationToken cancellationToken = default)
    {
        var app = await db.Apps.FindAsync([id], cancellationToken);
        if (app is null)
            return AppErrors.NotFound;
        if (!await access.MayConfigureAsync(actor, id, cancellationToken))
            return UserErrors.Forbidden;
        var errors = await ApplyAsync(app, settings, cancellationToken);
        if (errors.Count > 0)
            return Result<App>.Fail(errors);
        audit.Record(AuditActions.AppUpdated, actor, details: app.Name);
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(app.ClientId);
        return Result<App>.Ok(app);
    }

    /// <summary>Replaces the app's operators with the people named (id, username or email); admins only.</summary>
    public async Task<Result<App>> SetOperatorsAsync(Actor actor, Guid id, IEnumerable<string> names, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        var app = await db.Apps.FindAsync([id], cancellationToken);
        if (app is null)
            return AppErrors.NotFound;
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = await users.FindByNamesAsync(wanted, cancellationToken);
        var unknown = wanted.Where(n => !found.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            return new Error("operators.unknown", $"No account matches {string.Join(", ", unknown)}. The operators were not changed.", "Operators");
        db.AppOperators.RemoveRange(await db.AppOperators.Where(o => o.AppId == id).ToListAsync(cancellationToken));
        foreach (var user in found.Values.DistinctBy(u => u.Id))
            db.AppOperators.Add(new AppOperator { AppId = id, UserId = user.Id });
        app.UpdatedAt = Now();
        audit.Record(AuditActions.AppOperatorsChanged, actor, details: $"{app.Name}: {string.Join(", ", found.Values.Select(u => u.UserName ?? u.Email).Distinct())}");
        await db.SaveChangesAsync(cancellationToken);
        return Result<App>.Ok(app);
    }

    /// <summary>Deletes the app with everything it holds; the dashboard passes the name typed to confirm, the API and CLI none.</summary>
    public async Task<Result<App>> DeleteAsync(Actor actor, Guid id, string? typedName = null, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return UserErrors.Forbidden;
        var app = await db.Apps.FindAsync([id], cancellationToken);
        if (app is null)
            return AppErrors.NotFound;
        if (typedName is not null && typedName.Trim() != app.Name)
            return new Error("confirm.mismatch", $"Type the app's name \"{app.Name}\" exactly to confirm.", "ConfirmName");
        db.Apps.Remove(app);
        audit.Record(AuditActions.AppDeleted, actor, details: app.Name);
        await db.SaveChangesAsync(cancellationToken);
        clients.Forget(app.ClientId);
        return Result<App>.Ok(app);
    }

    private async Task<List<Error>> ApplyAsync(App app, AppSettings settings, CancellationToken cancellationToken)
    {
        var errors = new List<Error>();
        var name = UserRules.Clean(settings.Name);
        if (name.Length is 0 or > 100)
            errors.Add(new("app.name", "Give the app a name of 1 to 100 characters.", "Name"));
        var url = UserRules.Clean(settings.LaunchUrl);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var launch) || launch.Scheme is not ("https" or "http") || url.Length > 2000)
            errors.Add(new("app.launch_url", $"\"{url}\" is not a web address; a launch URL starts with https:// (or http://).", "LaunchUrl"));
        var description = UserRules.Clean(settings.Description);
        if (description.Length > 1000)
            errors.Add(new("app.description", "A description can have at most 1000 characters.", "Description"));
        if (!Enum.IsDefined(settings.DirectoryMode) || !Enum.IsDefined(settings.Access))
            errors.Add(new("app.mode", "Choose a directory mode and an access rule from the lists."));
        var groups = settings.Groups.Distinct().ToList();
        var known = await db.Groups.Where(g => groups.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
        if (known.Count != groups.Count)
            errors.Add(new("app.groups_unknown", "One of the chosen groups no longer exists. Reload and choose again.", "Groups"));
        if (settings.Access == AppAccess.Groups && groups.Count == 0)
            errors.Add(new("app.groups_none", "Choose at least one group, or open the app to everyone.", "Groups"));
        if (errors.Count > 0)
            return errors;

        app.Name = name;
        app.LaunchUrl = url;
        app.Description = description;
        app.DirectoryMode = settings.DirectoryMode;
        app.Access = settings.Access;
        app.UpdatedAt = Now();
        var current = await db.AppGroups.Where(a => a.AppId == app.Id).ToListAsync(cancellationToken);
        var keep = settings.Access == AppAccess.Groups ? groups : [];
        db.AppGroups.RemoveRange(current.Where(a => !keep.Contains(a.GroupId)));
        foreach (var group in keep.Where(g => current.All(a => a.GroupId != g)))
            db.AppGroups.Add(new AppGroup { AppId = app.Id, GroupId = group });
        var icon = await db.AppIcons.FindAsync([app.Id], cancellationToken);
        if (settings.RemoveIcon && icon is not null)
            db.AppIcons.Remove(icon);
        if (settings.Icon is { } upload)
        {
            if (icon is null)
                db.AppIcons.Add(icon = new AppIcon { AppId = app.Id });
            icon.ContentType = upload.ContentType;
            icon.Data = upload.Data;
            icon.UpdatedAt = Now();
        }
        return errors;
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
