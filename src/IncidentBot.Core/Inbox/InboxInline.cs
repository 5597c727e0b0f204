using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// For deliveries whose answer must carry the result (a Teams dialog submit or card button must answer within 5 s):
/// store the delivery, claim it, and run it at once. Stored first, it still applies exactly once; if the inline run
/// fails, the inbox worker retries it later like any other delivery.
/// </summary>
public sealed class InboxInline(IServiceScopeFactory scopes, TimeProvider clock, IOptions<OutboxOptions> options, ILogger<InboxInline> logger)
{
    public async Task<InlineRun<T>> RunAsync<T>(string source, string externalId, string kind, string payload,
        Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<InboxWriter>().AcceptClaimedAsync(source, externalId, kind, payload, options.Value.LeaseDuration, cancellationToken);
        if (id is null)
        {
            return new InlineRun<T>(Duplicate: true, Applied: false, default);
        }

        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        var row = await db.InboxMessages.FindAsync([id.Value], cancellationToken)
            ?? throw new InvalidOperationException($"Inbox row {id} vanished.");

        try
        {
            T result;
            await using (var run = scopes.CreateAsyncScope())
            {
                run.ServiceProvider.GetRequiredService<DeliveryContext>().InboxMessageId = id;
                result = await work(run.ServiceProvider, cancellationToken);
            }

            LeasedWork.Succeeded(row, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(CancellationToken.None);
            return new InlineRun<T>(Duplicate: false, Applied: true, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "{Source} {Kind} {ExternalId} failed inline; the inbox worker will retry it", source, kind, externalId);
            db.ChangeTracker.Clear();
            var fresh = await db.InboxMessages.FindAsync([id.Value], CancellationToken.None);
            if (fresh is { Status: WorkStatus.Pending })
            {
                LeasedWork.Failed(fresh, clock.GetUtcNow().UtcDateTime, ex.Message, InboxWorker.MaxDeliveryAttempts);
                await db.SaveChangesAsync(CancellationToken.None);
            }

            throw;
        }
    }
}

public sealed record InlineRun<T>(bool Duplicate, bool Applied, T? Result);
