using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// The SQL that EF Core runs while answering the requests that carry one <see cref="Header"/> value, in order:
/// to compare the work two answers do without timing them. Work done after an answer (the outbox sender) runs
/// outside its request and is not counted.
/// </summary>
public sealed class SqlTrace : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string Header = "X-Test-Sql-Trace";

    // HttpContextAccessor's current request is process-wide (an AsyncLocal), so any instance sees the one running.
    private static readonly HttpContextAccessor Requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> commands = new();
    private readonly List<IDisposable> subscriptions = [];

    public SqlTrace()
    {
        lock (subscriptions)
            subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public IReadOnlyList<string> CommandsFor(string marker) => commands.TryGetValue(marker, out var found) ? [.. found] : [];

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (subscriptions)
                subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> diagnostic)
    {
        if (diagnostic.Key != RelationalEventId.CommandExecuting.Name || diagnostic.Value is not CommandEventData executing)
            return;
        var marker = Requests.HttpContext?.Request.Headers[Header].ToString();
        if (!string.IsNullOrEmpty(marker))
            commands.GetOrAdd(marker, _ => new()).Enqueue(executing.Command.CommandText);
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        lock (subscriptions)
            foreach (var subscription in subscriptions)
                subscription.Dispose();
    }
}
