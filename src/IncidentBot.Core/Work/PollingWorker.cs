using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Core.Work;

/// <summary>Runs due work until none is left, then sleeps until signalled or the poll interval passes.</summary>
public abstract class PollingWorker(WorkSignal signal, ILogger logger) : BackgroundService
{
    protected ILogger Logger => logger;

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>False when there is nothing this worker could ever do (no executors, no processors).</summary>
    protected virtual bool HasWork => true;

    /// <summary>Runs every item due now; returns how many it ran. Public so tests can drive it without timers.</summary>
    public abstract Task<int> RunDueAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!HasWork)
        {
            logger.LogInformation("{Worker} has nothing registered to run; idle", GetType().Name);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int ran;
            try
            {
                ran = await RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Worker} failed to read due work; trying again", GetType().Name);
                ran = 0;
            }

            if (ran == 0)
            {
                try
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
