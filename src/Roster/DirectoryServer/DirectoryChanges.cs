using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Roster.Accounts;
using Roster.Apps;
using Roster.Groups;
using Roster.MailDirectory;

namespace Roster.DirectoryServer;

/// <summary>
/// Collects what each save changes of what LDAP shows (people's names, address, state and role; their SSH keys; groups;
/// memberships; apps and their access rules), hands it to this process's <see cref="DirectoryImage"/> and
/// announces it to every other process on the same database (<see cref="DirectoryChangeListener"/>). Other
/// saves, such as a sign-in updating a failed-attempt count, change nothing here. An interceptor sees every save
/// through EF; the directory's writes all go that way.
/// </summary>
public sealed class DirectoryChanges : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public const string Channel = "roster_directory";

    private static readonly HashSet<string> ListedUserProperties =
        [nameof(User.UserName), nameof(User.Name), nameof(User.Email), nameof(User.Enabled), nameof(User.InvitationPending), nameof(User.Role)];

    private readonly ConditionalWeakTable<DbContext, DirectoryChange> saving = [];
    private readonly ConditionalWeakTable<System.Data.Common.DbTransaction, List<DirectoryChange>> uncommitted = [];
    private readonly ConcurrentQueue<DirectoryChange> pending = new();
    private long version;

    /// <summary>Counts the changes handed over so far; <see cref="LdapDirectory"/> compares it with what it has applied.</summary>
    public long Version => Interlocked.Read(ref version);

    /// <summary>A change this process's directory has yet to apply: from a save here, or announced by another process.</summary>
    public void Received(DirectoryChange change)
    {
        pending.Enqueue(change);
        Interlocked.Increment(ref version);
    }

    /// <summary>Everything received and not yet taken, as one change.</summary>
    public DirectoryChange Take()
    {
        var taken = new List<DirectoryChange>();
        while (pending.TryDequeue(out var change))
            taken.Add(change);
        return DirectoryChange.Merge(taken);
    }

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
        if (Saved(eventData.Context) is { } change)
            eventData.Context!.Database.ExecuteSqlRaw(Announcement(eventData.Context), change.ToText());
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Saved(eventData.Context) is { } change)
            await eventData.Context!.Database.ExecuteSqlRawAsync(Announcement(eventData.Context), [change.ToText()], cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context)
            saving.Remove(context);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Tells every process on the database, this one included, once the change is committed: on PostgreSQL a
    /// NOTIFY, which a transaction delivers at commit and not at all on rollback; on SQLite a row of the change
    /// log, which the server reads four times a second (the other writer there is the command line). This process
    /// applies the change at once too, for the next search; if that search comes before the commit of an
    /// explicit transaction, the announcement brings the committed state.
    /// </summary>
    private static string Announcement(DbContext context) => context.Database.IsNpgsql()
        ? $"SELECT pg_notify('{Channel}', {{0}})"
        : $$"""
          INSERT INTO "{{DirectoryChangeListener.LogTable}}" ("Change") VALUES ({0});
          DELETE FROM "{{DirectoryChangeListener.LogTable}}" WHERE "Seq" <= last_insert_rowid() - {{DirectoryChangeListener.LogKept}};
          """;

    private void Inspect(DbContext? context)
    {
        if (context is null)
            return;
        HashSet<Guid> users = [], groups = [], apps = [];
        var mail = false;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Deleted or EntityState.Modified))
                continue;
            switch (entry.Entity)
            {
                case User user when Listed(entry):
                    users.Add(user.Id);
                    break;
                // A membership is kept from the person's side: the group's own row is unchanged, and a group of
                // 100,000 need not be read again for one more member.
                case GroupMember member:
                    users.Add(member.UserId);
                    break;
                case SshKey key:
                    users.Add(key.UserId);
                    break;
                case Group group:
                    groups.Add(group.Id);
                    break;
                case App app:
                    apps.Add(app.Id);
                    break;
                case AppGroup rule:
                    apps.Add(rule.AppId);
                    break;
                case MailDomain or Mailbox or MailAddress or MailingList or MailingListMember:
                    mail = true;
                    break;
            }
        }
        if (users.Count + groups.Count + apps.Count > 0 || mail)
            saving.AddOrUpdate(context, new DirectoryChange(users, groups, apps, Mail: mail));
    }

    private DirectoryChange? Saved(DbContext? context)
    {
        if (context is null || !saving.TryGetValue(context, out var change))
            return null;
        saving.Remove(context);
        Received(change);
        // A search between this save and the commit reads the rows as they were; the commit hands the change over again.
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
            lock (uncommitted)
                uncommitted.GetOrCreateValue(transaction).Add(change);
        return change;
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        List<DirectoryChange>? committed;
        lock (uncommitted)
            if (uncommitted.TryGetValue(transaction, out committed))
                uncommitted.Remove(transaction);
        foreach (var change in committed ?? [])
            Received(change);
    }

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    private static bool Listed(EntityEntry entry) =>
        entry.State != EntityState.Modified || entry.Properties.Any(p => p.IsModified && ListedUserProperties.Contains(p.Metadata.Name));
}
