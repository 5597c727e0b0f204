using IncidentBot.Core.Inbox;
using IncidentBot.Core.Outbox;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>Drives a running host's queues from a test: the work after an ack happens on background workers.</summary>
public static class HostWork
{
    /// <summary>Runs queued deliveries and intents until nothing due is left (the background workers may help).</summary>
    public static async Task SettleAsync(IServiceProvider services, TimeProvider clock)
    {
        var inbox = services.GetRequiredService<InboxWorker>();
        var outbox = services.GetRequiredService<OutboxWorker>();
        for (var round = 0; round < 50; round++)
        {
            var ran = await inbox.RunDueAsync(CancellationToken.None) + await outbox.RunDueAsync(CancellationToken.None);
            if (ran > 0)
            {
                continue;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var pending = await WithDbAsync(services, async db =>
                await db.InboxMessages.CountAsync(m => m.Status == WorkStatus.Pending && m.DueAt <= now)
                + await db.OutboxMessages.CountAsync(m => m.Status == WorkStatus.Pending && m.DueAt <= now));
            if (pending == 0)
            {
                return;
            }

            await Task.Delay(20); // a background worker holds the lease; let it finish
        }
    }

    public static async Task<T> WithDbAsync<T>(IServiceProvider services, Func<IncidentDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<IncidentDbContext>());
    }
}
