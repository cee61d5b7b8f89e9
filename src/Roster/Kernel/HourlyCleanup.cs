namespace Roster.Kernel;

/// <summary>
/// Housekeeping that deletes what is no longer needed, every hour. The first run waits a minute: start-up is
/// when requests wait for the same core, and nothing to clean cannot wait that long. Every instance may run
/// it, since deleting twice is harmless; a failure is logged and tried again an hour later.
/// </summary>
public abstract class HourlyCleanup(TimeProvider clock, ILogger log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(1);

    protected TimeProvider Clock { get; } = clock;

    /// <summary>What is cleaned, for the log: "Expired sign-in grants".</summary>
    protected abstract string What { get; }

    protected abstract Task CleanAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstRunAfter, Clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CleanAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "{What} could not be cleaned up; trying again in an hour.", What);
            }
            await Task.Delay(Interval, Clock, stoppingToken);
        }
    }
}
