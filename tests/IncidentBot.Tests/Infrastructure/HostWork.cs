using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Drives a running host's work queue from a test: the work after an ack happens on background loops.</summary>
public static class HostWork
{
    /// <summary>
    /// Runs queued deliveries and intents until nothing due is left (the background loops may help). Time passes
    /// while it waits (see <see cref="TestTime.LetTimePassUntilDoneAsync(FakeTimeProvider, Task)"/>): a run may be
    /// pausing on the clock, in this drain or on a background loop.
    /// </summary>
    public static async Task SettleAsync(IServiceProvider services, FakeTimeProvider clock)
    {
        var work = services.GetRequiredService<WorkDispatcher>();
        var queue = services.GetRequiredService<IWorkQueueStore>();
        for (var round = 0; round < 100; round++)
        {
            if (await clock.LetTimePassUntilDoneAsync(work.DrainAsync(CancellationToken.None)) > 0)
            {
                continue;
            }

            if ((await queue.HealthAsync(clock.GetUtcNow().UtcDateTime, CancellationToken.None)).DueNow == 0)
            {
                return;
            }

            // A background loop holds the lease; let it finish.
            await clock.LetTimePassUntilDoneAsync(Task.Delay(20));
        }
    }
}
