using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Drives a running host's work queue from a test: the work after an ack happens on background loops.</summary>
public static class HostWork
{
    /// <summary>Runs queued deliveries and intents until nothing due is left (the background loops may help).</summary>
    public static async Task SettleAsync(IServiceProvider services, TimeProvider clock)
    {
        var work = services.GetRequiredService<WorkDispatcher>();
        var queue = services.GetRequiredService<IWorkQueueStore>();
        for (var round = 0; round < 100; round++)
        {
            if (await work.DrainAsync(CancellationToken.None) > 0)
            {
                continue;
            }

            if ((await queue.HealthAsync(clock.GetUtcNow().UtcDateTime, CancellationToken.None)).DueNow == 0)
            {
                return;
            }

            await Task.Delay(20); // a background loop holds the lease; let it finish
        }
    }
}
