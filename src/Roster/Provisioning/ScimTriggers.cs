using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Roster.Apps;
using Roster.Data;
using Roster.Groups;
using Roster.Outbox;

namespace Roster.Provisioning;

/// <summary>
/// Queues the SCIM jobs a save calls for, in that save, whichever code made it (pages, API, CLI, imports): a person
/// created, renamed, given a new address, disabled, enabled, deleted or given another role; a membership added or
/// removed; a group renamed; an app's access rule changed. Each job names only what to reconcile (the person, the
/// group, or the whole app), so it is queued per app that has SCIM on, and reads the state when it runs.
/// </summary>
public sealed class ScimTriggers(OutboxQueue outbox, OutboxSignal signal) : SaveChangesInterceptor
{
    private static readonly HashSet<string> PushedUserProperties =
        [nameof(User.UserName), nameof(User.Name), nameof(User.Email), nameof(User.Enabled), nameof(User.InvitationPending), nameof(User.Role)];

    /// <summary>Changes that add or take a person from every group's pushed members.</summary>
    private static readonly HashSet<string> MembershipProperties = [nameof(User.Enabled), nameof(User.InvitationPending)];

    private static readonly HashSet<string> AccessProperties = [nameof(App.Access)];

    private readonly ConditionalWeakTable<DbContext, object> queued = [];

    private sealed record Changes(HashSet<Guid> Users, HashSet<Guid> MembershipUsers, List<(Guid Group, Guid User)> Memberships, HashSet<Guid> Groups, HashSet<Guid> Apps)
    {
        public bool IsEmpty => Users.Count + Memberships.Count + Groups.Count + Apps.Count == 0;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is RosterDb db && Inspect(db) is { IsEmpty: false } changes)
            Queue(db, changes, Apps(db).ToList(), named => Named(db, named).ToList(), users => Memberships(db, users).ToList());
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RosterDb db && Inspect(db) is { IsEmpty: false } changes)
        {
            var apps = await Apps(db).ToListAsync(cancellationToken);
            var named = apps.Count == 0 ? [] : await Named(db, apps).ToListAsync(cancellationToken);
            var members = apps.Count == 0 || changes.MembershipUsers.Count == 0 ? [] : await Memberships(db, changes.MembershipUsers).ToListAsync(cancellationToken);
            Queue(db, changes, apps, _ => named, _ => members);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Wakes the sender, which the outbox's own interceptor may have looked for new messages before these were added.</summary>
    private void Saved(DbContext? context)
    {
        if (context is not null && queued.Remove(context))
            signal.Notify();
    }

    private static IQueryable<Guid> Apps(RosterDb db) => db.ScimConnections.AsNoTracking().Where(c => c.Enabled).Select(c => c.AppId);

    private static IQueryable<AppGroup> Named(RosterDb db, List<Guid> apps) => db.AppGroups.AsNoTracking().Where(a => apps.Contains(a.AppId));

    private static IQueryable<GroupMember> Memberships(RosterDb db, HashSet<Guid> users) => db.GroupMembers.AsNoTracking().Where(m => users.Contains(m.UserId));

    private static Changes? Inspect(RosterDb db)
    {
        var changes = new Changes([], [], [], [], []);
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Deleted or EntityState.Modified))
                continue;
            switch (entry.Entity)
            {
                case User user when Changed(entry, PushedUserProperties):
                    changes.Users.Add(user.Id);
                    // A new person's memberships are in this save (GroupMember entries), so only others are looked up.
                    if (entry.State == EntityState.Deleted || entry.State == EntityState.Modified && Changed(entry, MembershipProperties))
                        changes.MembershipUsers.Add(user.Id);
                    break;
                case GroupMember member when entry.State != EntityState.Modified:
                    changes.Memberships.Add((member.GroupId, member.UserId));
                    break;
                case Group group when entry.State != EntityState.Added:
                    changes.Groups.Add(group.Id);
                    break;
                case App app when entry.State == EntityState.Modified && Changed(entry, AccessProperties):
                    changes.Apps.Add(app.Id);
                    break;
                case AppGroup rule:
                    changes.Apps.Add(rule.AppId);
                    break;
            }
        }
        return changes;
    }

    private void Queue(RosterDb db, Changes changes, List<Guid> apps, Func<List<Guid>, List<AppGroup>> named, Func<HashSet<Guid>, List<GroupMember>> memberships)
    {
        if (apps.Count == 0)
            return;
        var rules = named(apps).ToLookup(a => a.AppId, a => a.GroupId);
        var members = changes.MembershipUsers.Count == 0 ? [] : memberships(changes.MembershipUsers);
        var jobs = new HashSet<(Guid App, string Job)>();
        foreach (var app in apps)
        {
            if (changes.Apps.Contains(app))
            {
                jobs.Add((app, ScimJobs.Sync));
                continue;
            }
            var groups = rules[app].ToHashSet();
            foreach (var user in changes.Users)
                jobs.Add((app, ScimJobs.UserJob(user)));
            foreach (var (group, user) in changes.Memberships)
            {
                jobs.Add((app, ScimJobs.UserJob(user)));
                if (groups.Contains(group))
                    jobs.Add((app, ScimJobs.GroupJob(group)));
            }
            foreach (var member in members.Where(m => groups.Contains(m.GroupId)))
                jobs.Add((app, ScimJobs.GroupJob(member.GroupId)));
            foreach (var group in changes.Groups.Where(groups.Contains))
                jobs.Add((app, ScimJobs.GroupJob(group)));
        }
        // Users before groups: a group job then finds its new members already pushed.
        foreach (var (app, job) in jobs.OrderBy(j => j.Job.StartsWith("group", StringComparison.Ordinal)))
            outbox.Add(db, OutboxChannel.Scim, app.ToString(), job, "");
        if (jobs.Count > 0)
            queued.AddOrUpdate(db, true);
    }

    private static bool Changed(EntityEntry entry, IReadOnlySet<string> properties) =>
        entry.State != EntityState.Modified || entry.Properties.Any(p => p.IsModified && properties.Contains(p.Metadata.Name));
}
