namespace Roster.Tests.Infrastructure;

/// <summary>Waits for something another thread or process does (a delivered email, a started server), within a bound.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> attempt, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await attempt() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until at least <paramref name="index"/> + 1 messages to <paramref name="to"/> arrived; a folder has no order, so which one comes back is unspecified beyond the first.</summary>
    public static Task<ReceivedMail> MailAsync(string folder, string to, int index = 0) =>
        GetAsync(() => Task.FromResult(ReceivedMail.ReadFolder(folder).Where(m => m.To.Contains(to, StringComparison.OrdinalIgnoreCase)).ElementAtOrDefault(index)),
            $"mail #{index + 1} to {to} in {folder}");
}
