using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;

namespace Roster.DirectoryServer;

/// <summary>
/// Counts changes to what LDAP shows, so <see cref="LdapDirectory"/> knows when its snapshot is out of date:
/// people (their names, address, state and role), their SSH keys, groups, memberships, apps and their access rules. Other
/// saves, such as a sign-in updating a failed-attempt count, leave the snapshot alone. An interceptor sees
/// every save through EF; the directory's writes all go that way.
/// </summary>
public sealed class DirectoryChanges : SaveChangesInterceptor
{
    private static readonly HashSet<string> ListedUserProperties =
        [nameof(User.UserName), nameof(User.Name), nameof(User.Email), nameof(User.Enabled), nameof(User.InvitationPending), nameof(User.Role)];

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> saving = [];
    private long version;

    public long Version => Interlocked.Read(ref version);

    /// <summary>For changes made outside EF's change tracking.</summary>
    public void Changed() => Interlocked.Increment(ref version);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Inspect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Inspect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Saved(eventData.Context))
            eventData.Context!.Database.ExecuteSqlRaw(Announcement(eventData.Context));
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context))
            await eventData.Context!.Database.ExecuteSqlRawAsync(Announcement(eventData.Context), cancellationToken);
        return result;
    }

    /// <summary>
    /// Tells the other processes on the same database (<see cref="DirectoryChangeListener"/>): on PostgreSQL a
    /// NOTIFY, which a transaction delivers at commit and not at all on rollback; on SQLite, where the other
    /// process is the command line writing to the same file, a version number in the settings that the
    /// server reads twice a second.
    /// </summary>
    private static string Announcement(DbContext context) => context.Database.IsNpgsql()
        ? "SELECT pg_notify('" + DirectoryChangeListener.Channel + "', '')"
        : $"""INSERT INTO "Settings" ("Key", "Value") VALUES ('{DirectoryChangeListener.VersionKey}', '1') ON CONFLICT ("Key") DO UPDATE SET "Value" = CAST("Value" AS INTEGER) + 1""";

    // Counted before the save and again once it is committed: a search in between reloads what is not yet
    // committed, and the next one reloads again, so none keeps serving what was there before the change.
    private void Inspect(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(Affects))
        {
            Changed();
            saving.AddOrUpdate(context, true);
        }
    }

    /// <summary>Counts a committed change to what LDAP shows; says whether there was one.</summary>
    private bool Saved(DbContext? context)
    {
        if (context is null || !saving.Remove(context))
            return false;
        Changed();
        return true;
    }

    private static bool Affects(EntityEntry entry) => entry.State is EntityState.Added or EntityState.Deleted or EntityState.Modified && entry.Entity switch
    {
        User => entry.State != EntityState.Modified || entry.Properties.Any(p => p.IsModified && ListedUserProperties.Contains(p.Metadata.Name)),
        Group or GroupMember or App or AppGroup or SshKey => true,
        _ => false,
    };
}
