using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Outbox;

/// <summary>
/// Wakes the sender when a unit of work with outbox messages in it has been committed, instead of waiting
/// for the next poll. An interceptor on every context rather than a handler per context, because contexts
/// are pooled and live longer than the request that queued the message.
/// </summary>
public sealed class OutboxSignal : SaveChangesInterceptor
{
    private readonly SemaphoreSlim semaphore = new(0, 1);
    private readonly ConditionalWeakTable<DbContext, object> queuing = [];

    public void Notify()
    {
        if (semaphore.CurrentCount == 0)
            try { semaphore.Release(); } catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Saving(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Saving(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Saving(DbContext? context)
    {
        // A reset request does not wake the sender, which finds it at its next poll (ForgotPasswordModel): the sender's
        // work depends on whether the account exists, and on a busy core it would otherwise slow that very answer.
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>()
                .Any(e => e.State == EntityState.Added && e.Entity.Channel != OutboxChannel.PasswordResetRequest))
            queuing.AddOrUpdate(context, true);
    }

    private void Saved(DbContext? context)
    {
        if (context is not null && queuing.Remove(context))
            Notify();
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
            queuing.Remove(context);
    }
}
