using IncidentBot.Core.Options;
using IncidentBot.Core.Storage;
using IncidentBot.Core.Work;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.Core.Inbox;

/// <summary>
/// Processes stored deliveries after they were acknowledged, oldest first and one at a time per channel, so commands
/// apply in the order they were typed. A delivery that keeps failing is retried a few times, then marked failed with its error.
/// </summary>
public sealed class InboxWorker(
    IServiceScopeFactory scopes,
    IEnumerable<InboxSource> sources,
    InboxSignal signal,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    ILogger<InboxWorker> logger) : PollingWorker(signal, logger)
{
    /// <summary>Deliveries are people waiting for an answer: a few quick retries, not hours of them.</summary>
    public const int MaxAttempts = 4;

    private readonly HashSet<string> _sources = sources.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override bool HasWork => _sources.Count > 0;

    public override async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<long> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
            var pending = await db.InboxMessages.AsNoTracking()
                .Where(m => m.Status == WorkStatus.Pending)
                .OrderBy(m => m.Id)
                .Select(m => new { m.Id, m.OrderingKey, m.DueAt, m.LockedUntil })
                .Take(400)
                .ToListAsync(cancellationToken);

            // Per channel only the oldest pending delivery may run, even with several workers or replicas, so commands
            // typed one after another in a channel apply (and post) in that order.
            due = pending
                .GroupBy(m => m.OrderingKey ?? $"#{m.Id}")
                .Select(g => g.First())
                .Where(m => m.DueAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
                .Select(m => m.Id)
                .Take(100)
                .ToList();
        }

        var ran = 0;
        foreach (var id in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await RunOneAsync(id, cancellationToken))
            {
                ran++;
            }
        }

        return ran;
    }

    private async Task<bool> RunOneAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        var message = await LeasedWork.ClaimAsync<InboxMessage>(db, id, clock.GetUtcNow().UtcDateTime, options.Value.LeaseDuration, cancellationToken);
        if (message is null)
        {
            return false;
        }

        try
        {
            // A fresh scope for the processor: its changes commit on their own, this row's outcome on its own.
            await using (var work = scopes.CreateAsyncScope())
            {
                work.ServiceProvider.GetRequiredService<DeliveryContext>().InboxMessageId = message.Id;
                var processor = work.ServiceProvider.GetServices<IInboxProcessor>().FirstOrDefault(p => p.Source == message.Source)
                    ?? throw new InvalidOperationException($"No processor for deliveries from '{message.Source}' (was its platform turned off?).");
                await processor.ProcessAsync(message, cancellationToken);
            }

            LeasedWork.Succeeded(message, clock.GetUtcNow().UtcDateTime);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LeasedWork.Abandoned(message);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            if (await CommittedMeanwhileAsync(message.Id, cancellationToken))
            {
                // The delivery's change committed (and marked it done) before the failure, e.g. while replying.
                logger.LogWarning(ex, "Inbox {Source} {Kind} {ExternalId} applied, but a later step failed; not replaying it", message.Source, message.Kind, message.ExternalId);
                return true;
            }

            if (LeasedWork.Failed(message, clock.GetUtcNow().UtcDateTime, ex.Message, MaxAttempts))
            {
                logger.LogError(ex, "Inbox {Source} {Kind} {ExternalId} failed {Attempts} times; giving up", message.Source, message.Kind, message.ExternalId, message.Attempts);
            }
            else
            {
                logger.LogWarning(ex, "Inbox {Source} {Kind} {ExternalId} failed (attempt {Attempts}); retrying", message.Source, message.Kind, message.ExternalId, message.Attempts);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    private async Task<bool> CommittedMeanwhileAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IncidentDbContext>();
        return await db.InboxMessages.AsNoTracking().AnyAsync(m => m.Id == id && m.Status == WorkStatus.Done, cancellationToken);
    }
}
